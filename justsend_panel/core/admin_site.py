from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _


class PanelAdminSite(admin.AdminSite):
    """Django admin for administrators only.

    Stock admin sends a logged-in user who is not staff back to its login form; here that
    user gets 403, the same answer as on every other admin-only page of the panel.
    """

    site_header = _("Justsend Panel administration")
    site_title = _("Justsend Panel admin")
    index_title = _("Administration")
    site_url = "/"

    def admin_view(self, view, cacheable=False):
        wrapped = super().admin_view(view, cacheable)

        def guarded(request, *args, **kwargs):
            self._deny_logged_in_non_staff(request)
            return wrapped(request, *args, **kwargs)

        guarded.__dict__.update(wrapped.__dict__)
        return guarded

    def login(self, request, extra_context=None):
        self._deny_logged_in_non_staff(request)
        return super().login(request, extra_context)

    def _deny_logged_in_non_staff(self, request) -> None:
        if request.user.is_authenticated and not self.has_permission(request):
            raise PermissionDenied


class PanelAdminConfig(AdminConfig):
    default_site = "justsend_panel.core.admin_site.PanelAdminSite"

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from campaigns.deliveries.urls import webhook_urlpatterns
from campaigns.media.urls import public_urlpatterns as media_public_urlpatterns
from justsend_panel.core import views as core_views
from justsend_panel.core.users.mail import RESET_EMAIL, RESET_SUBJECT, PanelPasswordResetForm


def _password_page(route: str, view, name: str, title, **options):
    """One of Django's password views, with the panel's template (users/<name>.html) and
    title."""
    return path(
        f"accounts/{route}",
        view.as_view(template_name=f"users/{name}.html", title=title, **options),
        name=name,
    )


# Password reset by e-mail (public: Django marks these views login_not_required), and the
# logged-in user's own password change.
password_urlpatterns = [
    _password_page(
        "password-reset/", auth_views.PasswordResetView, "password_reset",
        _("Forgot your password?"), form_class=PanelPasswordResetForm,
        email_template_name=RESET_EMAIL, subject_template_name=RESET_SUBJECT,
    ),
    _password_page("password-reset/sent/", auth_views.PasswordResetDoneView,
                   "password_reset_done", _("Check your e-mail")),
    _password_page("reset/<uidb64>/<token>/", auth_views.PasswordResetConfirmView,
                   "password_reset_confirm", _("Set a new password")),
    _password_page("reset/done/", auth_views.PasswordResetCompleteView,
                   "password_reset_complete", _("Password set")),
    _password_page("password-change/", auth_views.PasswordChangeView,
                   "password_change", _("Change your password")),
    _password_page("password-change/done/", auth_views.PasswordChangeDoneView,
                   "password_change_done", _("Password changed")),
]

urlpatterns = [
    path("", include("justsend_panel.core.urls")),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    *password_urlpatterns,
    path("users/", include("justsend_panel.core.users.urls")),
    path("campaigns/", include("campaigns.urls")),
    path("contacts/", include("contacts.urls")),
    path("billing/", include("billing.urls")),
    path("activity/", include("justsend_panel.audit.urls")),
    path("healthz", core_views.healthz, name="healthz"),
    path("favicon.ico", core_views.favicon, name="favicon"),
    path("admin/", admin.site.urls),
    path("deliveries/", include("campaigns.deliveries.urls")),
    path("media-library/", include("campaigns.media.urls")),
    *webhook_urlpatterns,
    *media_public_urlpatterns,
]

handler403 = "justsend_panel.core.views.permission_denied"

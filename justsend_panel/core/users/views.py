"""The Users pages, administrators only: list, create in one step, and each user's page
with its actions (role, deactivate/reactivate, password link, unlock).

Views validate input and call the services; an ApplicationError becomes a message."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.shortcuts import get_object_or_404, redirect
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView, TemplateView
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from justsend_panel.core.exceptions import ApplicationError
from justsend_panel.core.permissions import AdminOnlyMixin
from justsend_panel.core.users import services
from justsend_panel.core.users.filters import UserFilter
from justsend_panel.core.users.forms import UserCreateForm, UserRoleForm
from justsend_panel.core.users.roles import Role
from justsend_panel.core.users.selectors import user_role_get, users_list_qs, users_locked_out
from justsend_panel.core.users.tables import UserTable


class UserListView(AdminOnlyMixin, SingleTableMixin, FilterView):
    template_name = "users/user_list.html"
    table_class = UserTable
    filterset_class = UserFilter

    def get_queryset(self):
        return users_list_qs()


class UserCreateView(AdminOnlyMixin, FormView):
    template_name = "users/user_form.html"
    form_class = UserCreateForm

    def form_valid(self, form):
        try:
            user = services.user_create(
                actor=self.request.user, request=self.request, **form.service_arguments()
            )
        except services.PasswordLinkNotSent as exc:
            messages.warning(self.request, exc.message)
            return redirect("users:user_detail", pk=exc.extra["user"].pk)
        except ApplicationError as exc:
            form.add_error(None, exc.message)
            return self.form_invalid(form)
        if form.service_arguments()["send_password_link"]:
            note = _("Created %(user)s; a link to set the password was sent to %(email)s.")
        else:
            note = _("Created %(user)s with the initial password you gave.")
        messages.success(self.request, note % {"user": user.get_username(), "email": user.email})
        return redirect("users:user_list")


class UserMixin:
    @cached_property
    def user_shown(self):
        return get_object_or_404(get_user_model(), pk=self.kwargs["pk"])


class UserDetailView(AdminOnlyMixin, UserMixin, TemplateView):
    template_name = "users/user_detail.html"

    def get_context_data(self, **kwargs):
        user = self.user_shown
        role = user_role_get(user)
        return super().get_context_data(
            shown=user,
            role_label=Role(role).label if role else "",
            role_form=UserRoleForm(initial={"role": role or Role.MARKETING}),
            locked_out=user.username in users_locked_out([user.username]),
            is_self=user.pk == self.request.user.pk,
            **kwargs,
        )


class UserActionView(AdminOnlyMixin, UserMixin, View):
    """A POST that calls one service for the user and returns to the user's page."""

    http_method_names = ["post"]

    def act(self) -> str:
        raise NotImplementedError

    def post(self, request, *args, **kwargs):
        try:
            note = self.act()
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, note)
        return redirect("users:user_detail", pk=self.user_shown.pk)

    def arguments(self) -> dict:
        return {"actor": self.request.user, "user": self.user_shown, "request": self.request}


class UserRoleView(UserActionView):
    def act(self) -> str:
        form = UserRoleForm(self.request.POST)
        if not form.is_valid():
            raise ApplicationError(_("Choose one of the roles."))
        services.user_role_set(role=form.cleaned_data["role"], **self.arguments())
        return _("%(user)s is now: %(role)s.") % {
            "user": self.user_shown.get_username(), "role": Role(form.cleaned_data["role"]).label,
        }


class UserDeactivateView(UserActionView):
    def act(self) -> str:
        services.user_deactivate(**self.arguments())
        return _("%(user)s is deactivated and can no longer log in; their history stays.") % {
            "user": self.user_shown.get_username()
        }


class UserReactivateView(UserActionView):
    def act(self) -> str:
        services.user_reactivate(**self.arguments())
        return _("%(user)s can log in again.") % {"user": self.user_shown.get_username()}


class UserPasswordResetView(UserActionView):
    def act(self) -> str:
        services.user_password_reset_send(**self.arguments())
        return _("A link to set a new password was sent to %(email)s.") % {
            "email": self.user_shown.email
        }


class UserUnlockView(UserActionView):
    def act(self) -> str:
        services.user_unlock(**self.arguments())
        return _("%(user)s is unlocked and may log in again.") % {
            "user": self.user_shown.get_username()
        }

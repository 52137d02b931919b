from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import password_validators_help_texts
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from justsend_panel.core.forms import BootstrapForm
from justsend_panel.core.users.roles import Role


class PasswordChoice:
    SET_NOW = "set"
    SEND_LINK = "link"
    CHOICES = [
        (SEND_LINK, _("Send a link to set the password by e-mail")),
        (SET_NOW, _("Give an initial password")),
    ]


class UserCreateForm(BootstrapForm):
    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    email = forms.EmailField(label=_("E-mail"), max_length=254)
    username = forms.CharField(
        label=_("Username"), max_length=150, required=False,
        help_text=_("Leave empty to use the e-mail address."),
    )
    role = forms.ChoiceField(
        label=_("Role"), choices=Role.choices, initial=Role.MARKETING,
        help_text=_(
            "Marketing: contacts and campaigns. Viewer: sees campaigns, statistics and"
            " billing, changes nothing. Administrator: everything, Django admin included."
        ),
    )
    password_choice = forms.ChoiceField(
        label=_("Password"), choices=PasswordChoice.CHOICES, initial=PasswordChoice.SEND_LINK,
        widget=forms.RadioSelect,
    )
    password = forms.CharField(
        label=_("Initial password"), required=False, strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        # Plain text from the configured validators, in the language of the request.
        help_text=lazy(lambda: " ".join(password_validators_help_texts()), str)(),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Radio buttons are Bootstrap's form-check inputs, not form-control.
        self.fields["password_choice"].widget.attrs["class"] = "form-check-input"

    def clean_username(self):
        username = self.cleaned_data["username"].strip()
        if username:
            get_user_model().username_validator(username)
        return username

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("password_choice") == PasswordChoice.SET_NOW and not cleaned.get("password"):
            self.add_error("password", _("Give the initial password, or choose to send a link."))
        return cleaned

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        set_now = data["password_choice"] == PasswordChoice.SET_NOW
        return {
            "first_name": data["first_name"],
            "last_name": data["last_name"],
            "email": data["email"],
            "username": data["username"],
            "role": data["role"],
            "password": data["password"] if set_now else "",
            "send_password_link": not set_now,
        }


class UserRoleForm(BootstrapForm):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)

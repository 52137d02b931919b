from django import forms
from django.core.exceptions import ValidationError
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from contacts.models import COUNTRY_CHOICES, Group
from contacts.phones import default_region, msisdn_parse
from contacts.services.blacklist import MAX_NUMBERS, numbers_split
from justsend_panel.core.forms import BootstrapForm


def _number_help() -> str:
    return _(
        "Typed without + or 00, a number is read as a number of region %(region)s: "
        "500 123 123, +48 500-123-123 and 0048500123123 are the same number; a foreign "
        "number needs its prefix, e.g. +49 1512 3456789."
    ) % {"region": default_region()}


number_help = lazy(_number_help, str)


class GroupForm(BootstrapForm):
    name = forms.CharField(label=_("Name"), max_length=200)
    group_type = forms.ChoiceField(label=_("Type"), choices=Group.Type.choices)
    country = forms.ChoiceField(
        label=_("Country"), choices=[("", "—"), *COUNTRY_CHOICES], required=False,
        help_text=_("Required for an international group."),
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("group_type") == Group.Type.INTERNATIONAL and not cleaned.get("country"):
            self.add_error("country", _("An international group needs a country."))
        return cleaned


class AttributesField(forms.CharField):
    """Extra attributes typed one per line as ``key: value``."""

    widget = forms.Textarea(attrs={"rows": 3})

    def to_python(self, value) -> dict:
        attributes = {}
        for number, line in enumerate((value or "").splitlines(), start=1):
            if not line.strip():
                continue
            key, sep, text = line.partition(":")
            if not sep or not key.strip():
                raise ValidationError(
                    _("Line %(line)d: write an attribute as “name: value”.") % {"line": number}
                )
            attributes[key.strip()] = text.strip()
        return attributes

    def prepare_value(self, value):
        if isinstance(value, dict):
            return "\n".join(f"{key}: {text}" for key, text in value.items())
        return value


class MemberForm(BootstrapForm):
    msisdn = forms.CharField(label=_("Phone number"), max_length=40, help_text=number_help)
    name = forms.CharField(label=_("Name"), max_length=200, required=False)
    surname = forms.CharField(label=_("Surname"), max_length=200, required=False)
    address = forms.CharField(label=_("Address"), max_length=500, required=False)
    attributes = AttributesField(
        label=_("Extra attributes"), required=False,
        help_text=_("One per line, “name: value”; campaigns can use them as {name}."),
    )

    def clean_msisdn(self) -> str:
        parsed = msisdn_parse(self.cleaned_data["msisdn"])
        if not parsed.valid:
            raise ValidationError(parsed.error)
        self.parsed_number = parsed
        return parsed.msisdn


class BlacklistAddForm(BootstrapForm):
    numbers = forms.CharField(
        label=_("Numbers"), widget=forms.Textarea(attrs={"rows": 5}),
        help_text=lazy(
            lambda: _("One number per line (or separated by commas or semicolons). ") + _number_help(),
            str,
        )(),
    )
    note = forms.CharField(label=_("Note"), max_length=500, required=False)

    def clean_numbers(self) -> str:
        text = self.cleaned_data["numbers"]
        count = len(numbers_split(text))
        if count > MAX_NUMBERS:
            raise ValidationError(
                _("%(count)d numbers at once is too many; add at most %(max)d at a time.")
                % {"count": count, "max": MAX_NUMBERS}
            )
        return text


class LookupForm(BootstrapForm):
    q = forms.CharField(label=_("Phone number"), max_length=40, help_text=number_help)


class SelectionForm(forms.Form):
    """The rows ticked in a table (``selected`` checkboxes)."""

    selected = forms.TypedMultipleChoiceField(coerce=int, required=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Any integer id may be posted; the service limits it to what the user may touch.
        self.fields["selected"].valid_value = lambda value: str(value).isdigit()
        self.fields["selected"].error_messages["required"] = _("Tick at least one row first.")


class BlacklistRemoveForm(SelectionForm):
    """The ticked entries, and for a STOP reply's entry the administrator's confirmation."""

    opt_out_confirmed = forms.BooleanField(required=False, widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("Why may these people be messaged again?"), required=False, max_length=500,
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
        help_text=_("Kept with the number's history."),
    )

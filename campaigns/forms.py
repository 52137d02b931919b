"""The compose form: everything the bulk API offers, checked as the manual says before
anything is sent (sections 3.1.1–3.1.3), so that Justsend's 400 is the exception."""

from __future__ import annotations

import re
import uuid

from django import forms
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from campaigns.models import Campaign
from campaigns.provider_options import (
    DEFAULT_PROVIDER,
    PROVIDER_FIELDS,
    ProviderChoiceMixin,
    provider_capabilities,
    provider_field,
)
from campaigns.single_options import KIND_CODE, SMSBY, smsby_single_fields, smsby_single_options_clean
from contacts.imports.csvfile import CsvFileError, FileFormat, format_detect
from contacts.imports.mapping import mapping_guess
from contacts.models import COUNTRY_CHOICES, Group
from contacts.phones import msisdn_parse, numbers_split
from justsend_panel.core.forms import IsoDateTimeInput
from justsend_panel.sms.registry import vocabulary

JS = vocabulary("justsend")
rules = JS.rules
Country = JS.Country
FullSender = JS.FullSender

PARAMETER = re.compile(r"\$(\d+)")
BRACED = re.compile(r"\{([^{}]*)\}")
# As campaigns.services.rendering reads them: anything else in braces would go out as it is.
FIELD_NAME = re.compile(r"[A-Za-z_][\w\-]*")
MEMBER_FIELDS = ("name", "surname", "address")
AUDIENCE_FILE_MAX_BYTES = 200 * 1024 * 1024

# INTER is for numbers abroad: the manual's list has no Poland.
INTER_COUNTRY_CHOICES = [(v, label) for v, label in COUNTRY_CHOICES if v != Country.POLAND.value]
# The manual documents POLISH only (3.1.3 examples); other values are not promised.
VOICE_LANGUAGE_CHOICES = [("POLISH", gettext_lazy("Polish"))]


def numbers_parse(text: str) -> tuple[list[str], list[str]]:
    """Pasted numbers (one a line, or separated by commas, semicolons or tabs) -> the
    normalised MSISDNs in order without repeats, and the error for each invalid one."""
    valid: dict[str, None] = {}
    errors = []
    for raw in numbers_split(text):
        parsed = msisdn_parse(raw)
        if parsed.valid:
            valid[parsed.msisdn] = None
        else:
            errors.append(parsed.error)
    return list(valid), errors


def parameter_fields_parse(text: str) -> list[str]:
    """``name, surname, code`` -> the model's field keys; an attribute is ``attr:<key>``."""
    fields = []
    for item in text.split(","):
        item = item.strip()
        if not item:
            continue
        fields.append(item if item in MEMBER_FIELDS or item.startswith("attr:") else f"attr:{item}")
    return fields


def parameter_fields_format(fields: list[str]) -> str:
    return ", ".join(f.removeprefix("attr:") for f in fields)


def audience_file_describe(upload) -> tuple[FileFormat, dict[str, str]]:
    """The format and column mapping of an uploaded audience CSV, detected as contact
    imports do it (header names decide; without a header, the column of phone numbers).
    Raises ``forms.ValidationError`` with a message for the user."""
    upload.seek(0)
    try:
        file_format = format_detect(upload)
    except CsvFileError as error:
        raise forms.ValidationError(error.message) from error
    finally:
        upload.seek(0)
    mapping = mapping_guess(file_format)
    if "msisdn" not in mapping.values():
        raise forms.ValidationError(
            _("No column of phone numbers was found. Name it “msisdn” or “phone” in a header row.")
        )
    return file_format, mapping


def _group_label(group: Group) -> str:
    return _("%(name)s (%(count)s members)") % {"name": group.name, "count": group.member_count}


def members_phrase(count: int) -> str:
    return ngettext("%(count)s member", "%(count)s members", count) % {
        "count": formats.number_format(count, force_grouping=True)
    }


class GroupSelectMultiple(forms.SelectMultiple):
    """A plain ``<select multiple>`` (usable without JavaScript) whose options carry the
    group's name and member count, which static/js/campaign_compose.js turns into a
    searchable multi-select (Tom Select)."""

    def __init__(self, attrs=None):
        super().__init__(attrs={
            "size": 6, "data-group-select": "",
            "data-placeholder": gettext_lazy("Type to search groups…"),
            "data-no-results": gettext_lazy("No group matches."),
            "data-remove-label": gettext_lazy("Remove this group"),
            **(attrs or {}),
        })

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        group = getattr(value, "instance", None)
        if group is not None:
            option["attrs"].update({"data-name": group.name, "data-members": members_phrase(group.member_count)})
        return option


def message_normalise(message: str) -> str:
    """Browsers submit a textarea with CRLF but count (and show) LF: keep what was counted."""
    message = message.replace("\r\n", "\n").replace("\r", "\n")
    if not message.strip():
        raise forms.ValidationError(_("The message is empty."))
    return message


class SenderForm(forms.Form):
    """The sender fields and the manual's rules for them, shared by bulks and single messages."""

    full_sender = forms.ChoiceField(
        label=gettext_lazy("Heading"), required=False,
        choices=[("", "—")] + [(h.value, h.value) for h in FullSender],
        help_text=gettext_lazy("FULL sends under one of Justsend's ten ready-made headings."),
    )
    sender = forms.CharField(
        label=gettext_lazy("Sender"), required=False, max_length=40, strip=True,
        help_text=gettext_lazy(
            "Your own sender ID as set up in your Justsend account: up to 11 characters, "
            "no Polish letters, not a phone number."
        ),
    )

    def clean_sender_rules(self, variant, data) -> None:
        if not variant:
            return
        field = "full_sender" if variant == Campaign.Variant.FULL else "sender"
        for error in rules.sender_errors(variant, data.get(field)):
            self.add_error(field, error)

    def sender_value(self) -> str:
        """The sender the variant sends under: a heading, an own sender ID, or none."""
        data = self.cleaned_data
        variant = data["variant"]
        field = "full_sender" if variant == Campaign.Variant.FULL else "sender"
        return rules.sender_value(variant, data.get(field))


class CampaignForm(ProviderChoiceMixin, SenderForm):
    SEND_NOW, SEND_LATER = "now", "later"
    field_order = ["name", "provider", "bulk_type", "variant", "full_sender", "sender"]
    JUSTSEND_FIELDS = (
        "variant", "full_sender", "sender", "country", "voice_repeat_dtmf", "voice_min_period",
        "voice_max_period", "voice_max_count", "voice_pause", "voice_language",
    )

    name = forms.CharField(label=gettext_lazy("Name"), max_length=200)
    provider = provider_field()
    bulk_type = forms.ChoiceField(
        label=gettext_lazy("Type"), choices=Campaign.BulkTypeChoice.choices,
        initial=Campaign.BulkTypeChoice.STANDARD,
    )
    variant = forms.ChoiceField(
        label=gettext_lazy("Variant"), choices=Campaign.Variant.choices, initial=Campaign.Variant.ECO
    )
    country = forms.ChoiceField(
        label=gettext_lazy("Country"), required=False, choices=[("", "—")] + INTER_COUNTRY_CHOICES
    )
    voice_repeat_dtmf = forms.BooleanField(
        label=gettext_lazy("Repeat the message when the callee presses a key"), required=False
    )
    voice_min_period = forms.IntegerField(
        label=gettext_lazy("Minimum wait between attempts (minutes)"), required=False, min_value=0,
        initial=1,
    )
    voice_max_period = forms.IntegerField(
        label=gettext_lazy("Maximum wait between attempts (minutes)"), required=False, min_value=0,
        initial=2,
    )
    voice_max_count = forms.IntegerField(
        label=gettext_lazy("Call attempts"), required=False, min_value=1, max_value=4, initial=1,
        help_text=gettext_lazy("1 to 4."),
    )
    voice_pause = forms.IntegerField(
        label=gettext_lazy("Pause after pick-up (seconds)"), required=False, min_value=0,
        max_value=10, initial=1, help_text=gettext_lazy("0 to 10 seconds."),
    )
    voice_language = forms.ChoiceField(
        label=gettext_lazy("Voice language"), required=False, choices=VOICE_LANGUAGE_CHOICES,
        initial="POLISH",
    )
    message = forms.CharField(
        label=gettext_lazy("Message"), widget=forms.Textarea(attrs={"rows": 5}), strip=False
    )
    parameter_fields = forms.CharField(
        label=gettext_lazy("Parameters $1, $2, …"), required=False,
        help_text=gettext_lazy(
            "The member fields behind $1, $2, … in order, separated by commas: name, surname, "
            "address or an extra attribute of the members, e.g. “name, code”."
        ),
    )
    groups = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Groups"), queryset=Group.objects.order_by("name"), required=False,
        widget=GroupSelectMultiple(),
    )
    excluded_groups = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Except the members of"), queryset=Group.objects.order_by("name"),
        required=False, widget=GroupSelectMultiple(),
    )
    pasted_numbers = forms.CharField(
        label=gettext_lazy("Numbers"), required=False, widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy(
            "One a line, or separated by commas, semicolons or tabs. A number without + or 00 "
            "is read as Polish."
        ),
    )
    audience_file = forms.FileField(
        label=gettext_lazy("CSV file"), required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.txt,text/csv"}),
        help_text=gettext_lazy(
            "A header row names the columns: msisdn (or phone), name, surname, address; "
            "other columns become attributes usable as {column}."
        ),
    )
    when = forms.ChoiceField(
        label=gettext_lazy("Send"), widget=forms.RadioSelect, initial=SEND_NOW,
        choices=[
            (SEND_NOW, gettext_lazy("Now, when launched")),
            (SEND_LATER, gettext_lazy("At a date and time")),
        ],
    )
    scheduled_at = forms.DateTimeField(
        label=gettext_lazy("Date and time"), required=False,
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"],
        widget=IsoDateTimeInput(),
    )

    AUDIENCE_FIELDS = ("groups", "excluded_groups", "pasted_numbers", "audience_file")

    def __init__(self, *args, campaign: Campaign | None = None, **kwargs):
        self.campaign = campaign
        if campaign is not None:
            kwargs["initial"] = {**self.initial_from(campaign), **(kwargs.get("initial") or {})}
        super().__init__(*args, **kwargs)
        self.provider_setup(current=campaign.provider if campaign is not None else None)
        self.fields["scheduled_at"].help_text = _("In the panel's time zone (%(zone)s).") % {
            "zone": timezone.get_current_timezone_name()
        }
        for name, field in self.fields.items():
            widget = field.widget
            if isinstance(widget, forms.RadioSelect):
                continue
            if isinstance(widget, forms.CheckboxInput):
                widget.attrs.setdefault("class", "form-check-input")
            elif isinstance(widget, forms.Select) and not isinstance(widget, forms.SelectMultiple):
                widget.attrs.setdefault("class", "form-select")
            else:
                widget.attrs.setdefault("class", "form-control")
        for name in ("groups", "excluded_groups"):
            self.fields[name].label_from_instance = _group_label
        # A "send again to the undelivered" draft: its audience is those numbers, not the
        # source's groups (kept only for the members' fields), so it is not offered here.
        self.fixed_audience = campaign is not None and campaign.resend_count is not None
        if self.fixed_audience:
            for name in self.AUDIENCE_FIELDS:
                del self.fields[name]
        self.invalid_numbers: list[str] = []

    @staticmethod
    def initial_from(campaign: Campaign) -> dict:
        voice = campaign.voice_config or {}
        full = campaign.variant == Campaign.Variant.FULL
        justsend = campaign.provider == DEFAULT_PROVIDER
        return {
            **CampaignForm.provider_initial(campaign.provider, campaign.provider_options or {},
                                            campaign.sender),
            "name": campaign.name,
            "provider": campaign.provider,
            "bulk_type": campaign.bulk_type,
            "variant": campaign.variant,
            "full_sender": campaign.sender if full and justsend else "",
            "sender": "" if full or not justsend else campaign.sender,
            "country": campaign.country,
            "voice_repeat_dtmf": voice.get("repeat_dtmf", False),
            "voice_min_period": voice.get("min_period", 1),
            "voice_max_period": voice.get("max_period", 2),
            "voice_max_count": voice.get("max_count", 1),
            "voice_pause": voice.get("pause", 1),
            "voice_language": voice.get("voice_language", "POLISH"),
            "message": campaign.message,
            "media": campaign.media_id,
            "parameter_fields": parameter_fields_format(campaign.parameter_fields or []),
            "groups": list(campaign.groups.all()) if campaign.pk else [],
            "excluded_groups": list(campaign.excluded_groups.all()) if campaign.pk else [],
            "pasted_numbers": campaign.pasted_numbers,
            "when": CampaignForm.SEND_LATER if campaign.scheduled_at else CampaignForm.SEND_NOW,
            "scheduled_at": timezone.localtime(campaign.scheduled_at) if campaign.scheduled_at else None,
        }

    # --- one field at a time ---------------------------------------------------------

    def clean_message(self) -> str:
        return message_normalise(self.cleaned_data["message"])

    def clean_pasted_numbers(self) -> str:
        numbers, errors = numbers_parse(self.cleaned_data["pasted_numbers"])
        if errors:
            self.invalid_numbers = errors
            raise forms.ValidationError(
                [_("Correct or remove these numbers:")] + errors
            )
        # Stored as "+<digits>": read again with no doubt about the country.
        return "\n".join(f"+{number}" for number in numbers)

    def clean_audience_file(self):
        upload = self.cleaned_data.get("audience_file")
        if not upload:
            return upload
        if upload.size > AUDIENCE_FILE_MAX_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(mb)d MB; import it into a group instead.")
                % {"mb": AUDIENCE_FILE_MAX_BYTES // (1024 * 1024)}
            )
        self.audience_format, self.audience_mapping = audience_file_describe(upload)
        return upload

    # --- the rules that tie fields together ------------------------------------------

    def clean(self):
        data = super().clean()
        provider = self.provider_clean(data)
        if provider == DEFAULT_PROVIDER:
            self._clean_justsend(data)
        elif provider and data.get("bulk_type", Campaign.BulkTypeChoice.STANDARD) != Campaign.BulkTypeChoice.STANDARD:
            if not provider_capabilities(provider).personalised_batch:
                self.add_error("bulk_type", _("This provider sends one text to everybody: choose Standard."))
        self.provider_text_check("message", data.get("message"))
        message = data.get("message")
        if message is not None:
            self._clean_personalisation(data.get("bulk_type"), message, data)
        if not self.fixed_audience:
            self._clean_audience(data)
        self._clean_schedule(data)
        return data

    def _clean_justsend(self, data) -> None:
        variant = data.get("variant")
        self.clean_sender_rules(variant, data)
        for error in rules.country_errors(variant, data.get("country")):
            self.add_error("country", error)
        if variant == Campaign.Variant.VOICE:
            self._clean_voice(data)

    def _clean_voice(self, data) -> None:
        for name in ("voice_min_period", "voice_max_period", "voice_max_count", "voice_pause"):
            if data.get(name) is None and name not in self.errors:
                self.add_error(name, _("VOICE needs this setting."))
        low, high = data.get("voice_min_period"), data.get("voice_max_period")
        if low is not None and high is not None and low > high:
            self.add_error("voice_max_period", _("The maximum wait must not be shorter than the minimum."))

    def _clean_personalisation(self, bulk_type, message, data) -> None:
        if bulk_type == Campaign.BulkTypeChoice.PERSONALIZED:
            if message.count("{") != message.count("}"):
                self.add_error("message", _("A { or } is not closed: write fields as {name}."))
            odd = ["{%s}" % m for m in BRACED.findall(message) if not FIELD_NAME.fullmatch(m)]
            if odd:
                self.add_error(
                    "message",
                    _("%(odd)s is not a field name: write fields as {name}, {surname}, {address} "
                      "or {an_attribute}.") % {"odd": ", ".join(odd)},
                )
        elif bulk_type == Campaign.BulkTypeChoice.PARAMETRIZED:
            used = sorted({int(n) for n in PARAMETER.findall(message)})
            fields = parameter_fields_parse(data.get("parameter_fields") or "")
            if not used:
                self.add_error("message", _("A parametrized message uses $1, $2, … where the values go."))
            elif used[0] < 1 or used[-1] > len(fields):
                missing = [f"${n}" for n in used if n < 1 or n > len(fields)]
                self.add_error(
                    "parameter_fields",
                    _("Say which member field fills %(params)s.") % {"params": ", ".join(missing)},
                )

    def _clean_audience(self, data) -> None:
        groups, excluded = data.get("groups") or [], data.get("excluded_groups") or []
        both = set(groups) & set(excluded)
        if both:
            self.add_error(
                "excluded_groups",
                _("A group cannot be both targeted and excluded: %(names)s.")
                % {"names": ", ".join(sorted(g.name for g in both))},
            )
        has_file = bool(data.get("audience_file")) or bool(
            self.campaign and self.campaign.audience_file and data.get("audience_file") is not False
        )
        has_audience = groups or data.get("pasted_numbers") or has_file
        # A rejected list or file is reported on its own field; no need to say it twice.
        if not has_audience and not {"pasted_numbers", "audience_file"} & set(self.errors):
            self.add_error(None, _("Choose at least one group, paste numbers or upload a CSV file."))

    def _clean_schedule(self, data) -> None:
        if data.get("when") != self.SEND_LATER:
            data["scheduled_at"] = None
            return
        when = data.get("scheduled_at")
        if when is None:
            if "scheduled_at" not in self.errors:
                self.add_error("scheduled_at", _("Give the date and time to send at."))
        elif when <= timezone.now():
            self.add_error("scheduled_at", _("This time has already passed."))

    # --- what the services get ---------------------------------------------------------

    def campaign_data(self) -> dict:
        """The cleaned values under the Campaign's field names, for campaign_create/update."""
        data = self.cleaned_data
        justsend = data["provider"] == DEFAULT_PROVIDER
        # Another provider's campaign keeps the Justsend columns at their defaults.
        variant = data["variant"] if justsend else Campaign.Variant.ECO
        voice_config = {}
        if justsend and variant == Campaign.Variant.VOICE:
            voice_config = {
                "repeat_dtmf": data["voice_repeat_dtmf"],
                "min_period": data["voice_min_period"],
                "max_period": data["voice_max_period"],
                "max_count": data["voice_max_count"],
                "pause": data["voice_pause"],
                "voice_language": data["voice_language"] or "POLISH",
            }
        result = {
            "name": data["name"],
            "provider": data["provider"],
            "provider_options": self.provider_options,
            "bulk_type": data["bulk_type"],
            "variant": variant,
            "sender": self.sender_value() if justsend else self.provider_sender(),
            "country": data["country"] if justsend and variant == Campaign.Variant.INTER else "",
            "voice_config": voice_config,
            "message": data["message"],
            "parameter_fields": parameter_fields_parse(data["parameter_fields"])
            if data["bulk_type"] == Campaign.BulkTypeChoice.PARAMETRIZED
            else [],
            "scheduled_at": data["scheduled_at"],
            **self.provider_media(),
        }
        if self.fixed_audience:
            return result
        result.update(
            groups=list(data["groups"]),
            excluded_groups=list(data["excluded_groups"]),
            pasted_numbers=data["pasted_numbers"],
        )
        upload = data.get("audience_file")
        if upload:
            result.update(
                audience_file=upload,
                audience_file_name=upload.name,
                audience_encoding=self.audience_format.encoding,
                audience_delimiter=self.audience_format.delimiter,
                audience_has_header=self.audience_format.has_header,
                audience_mapping=self.audience_mapping,
            )
        elif upload is False:  # "clear" ticked on the file input
            result.update(audience_file=None, audience_file_name="", audience_mapping={})
        return result


class MsisdnField(forms.CharField):
    """A phone number as staff type it -> the MSISDN, or the parser's message naming it."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 40)
        kwargs.setdefault(
            "widget",
            forms.TextInput(attrs={"class": "form-control", "placeholder": "500 123 123", "inputmode": "tel"}),
        )
        super().__init__(**kwargs)

    def clean(self, value):
        parsed = msisdn_parse(super().clean(value))
        if not parsed.valid:
            raise forms.ValidationError(parsed.error)
        return parsed.msisdn


def form_token_field() -> forms.UUIDField:
    """A token new with each rendered form: the services send once per token, so a double
    click (or a form posted again) does not send twice."""
    return forms.UUIDField(required=False, initial=uuid.uuid4, widget=forms.HiddenInput)


class TestSendForm(forms.Form):
    msisdn = MsisdnField(label=gettext_lazy("Send a test to"))
    token = form_token_field()


class SingleMessageForm(ProviderChoiceMixin, SenderForm):
    JUSTSEND_FIELDS = ("variant", "full_sender", "sender")
    # SMS.by's single message: sendQuickSMS with Viber forwarding, or a verification code.
    PROVIDER_BLOCKS = {**PROVIDER_FIELDS, SMSBY: (smsby_single_fields, smsby_single_options_clean)}
    code_channel: str | None = None

    msisdn = MsisdnField(label=gettext_lazy("To"))
    token = form_token_field()
    provider = provider_field()
    variant = forms.ChoiceField(
        label=gettext_lazy("Variant"), initial=Campaign.Variant.ECO,
        # Section 9.2 has no bulkProperties: no voice settings (VOICE), no country (INTER).
        choices=[
            (v, label) for v, label in Campaign.Variant.choices
            if v not in (Campaign.Variant.VOICE, Campaign.Variant.INTER)
        ],
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    content = forms.CharField(
        label=gettext_lazy("Message"), strip=False,
        widget=forms.Textarea(attrs={"rows": 4, "class": "form-control"}),
    )
    field_order = ["msisdn", "provider", "variant", "full_sender", "sender", "content"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.provider_setup()
        self.fields["full_sender"].widget.attrs.setdefault("class", "form-select")
        self.fields["sender"].widget.attrs.setdefault("class", "form-control")
        if (self.is_bound and self.chosen_provider() == SMSBY
                and self.data.get(self.add_prefix("smsby_kind")) == KIND_CODE):
            self.fields["content"].required = False  # the code is the message

    def clean_content(self) -> str:
        if not self.fields["content"].required and not self.cleaned_data["content"].strip():
            return ""
        return message_normalise(self.cleaned_data["content"])

    def clean(self):
        data = super().clean()
        if self.provider_clean(data) == DEFAULT_PROVIDER:
            self.clean_sender_rules(data.get("variant"), data)
        self.provider_text_check("content", data.get("content"))
        return data

    def send_arguments(self) -> dict:
        """What single_message_send takes besides the number, text and token."""
        data = self.cleaned_data
        if data["provider"] == DEFAULT_PROVIDER:
            return {"provider": DEFAULT_PROVIDER, "variant": data["variant"], "sender": self.sender_value()}
        arguments = {"provider": data["provider"], "provider_options": self.provider_options,
                     "sender": self.provider_sender(), **self.provider_media()}
        if self.code_channel is not None:
            arguments.update(code_channel=self.code_channel, sender=None)
        return arguments

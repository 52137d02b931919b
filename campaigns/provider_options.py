"""Which provider sends a campaign or a single message, and that provider's own options.

The compose and single-message forms show a "Provider" select (the enabled providers of
the registry) and, per provider, a block of its own fields; only the chosen provider's
block is validated and stored. Justsend's block is the forms' existing fields (variant,
sender, country, voice); another provider's fields are named ``<provider>_<option>`` and
checked by that provider's vocabulary (``vocabulary(name).validate_options``).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from campaigns.exceptions import CampaignError
from campaigns.media.selectors import media_for_compose
from justsend_panel.core import provider as core_provider
from justsend_panel.core.models import ProviderSetting
from justsend_panel.sms.exceptions import SmsUnsupported
from justsend_panel.sms.registry import backend_class, vocabulary

DEFAULT_PROVIDER = "justsend"
SMSMANAGER = "smsmanager"
# Channel names are brands: not translated.
CHANNEL_LABELS = {"sms": "SMS", "mms": "MMS", "viber": "Viber", "whatsapp": "WhatsApp", "telegram": "Telegram"}
TAG_LABELS = {
    "priority": gettext_lazy("Priority"),
    "transactional": gettext_lazy("Transactional"),
}
# The SMS Manager rules' problems (vocabulary.validate_options, English) the form maps to
# its own translated messages; any other problem is shown through gettext as it comes.
SMSMANAGER_FLOW_REPEATED = gettext_lazy("Each channel may appear in the flow only once.")


def provider_label(name: str) -> str:
    return backend_class(name).label or name


# The providers the apps can send a campaign or a single message through. A provider in the
# registry but not here has its client, simulator and connection check, but is not offered
# in the forms: a message the panel cannot carry through would be recorded and then
# stranded in doubt.
COMPOSABLE = ("justsend", "smsmanager", "justcall", "smsby")


def provider_choices(current: str | None = None) -> list[tuple[str, str]]:
    """The enabled providers the apps can send through as (name, label), the panel's order;
    ``current`` (a saved campaign's provider, since switched off) stays listed so its form
    still opens."""
    names = [name for name in core_provider.provider_registry().enabled() if name in COMPOSABLE]
    if current and current not in names:
        names = [*names, current]
    return [(name, provider_label(name)) for name in names]


def provider_capabilities(name: str):
    return core_provider.provider_registry().capabilities(name)


def provider_setting_get(*, provider: str) -> ProviderSetting | None:
    """The Providers page's row for ``provider``; None until an administrator saves one."""
    return ProviderSetting.objects.filter(provider=provider).first()


def provider_cost_unit(*, provider: str, currency: str | None = None) -> str:
    """What a page writes after a cost the provider reported in its account's currency,
    which its API does not name (SMS.by): ``currency`` (None: the one set for the provider
    on the Providers page), else a label that says whose currency it is."""
    if currency is None:
        setting = provider_setting_get(provider=provider)
        currency = setting.currency if setting else ""
    if currency:
        return currency
    try:
        label = provider_label(provider)
    except SmsUnsupported:  # a provider since removed from the panel: its name as stored
        label = provider
    return _("(%(provider)s account currency)") % {"provider": label}


def provider_default_sender(name: str) -> str:
    setting = provider_setting_get(provider=name)
    return setting.default_sender if setting else ""


class FlowWidget(forms.MultiWidget):
    """One select per position of the flow: the first channel is tried first."""

    def __init__(self, choices, size: int):
        super().__init__(widgets=[
            forms.Select(choices=choices, attrs={"class": "form-select w-auto", "data-flow-step": str(i + 1)})
            for i in range(size)
        ], attrs={"class": "form-select w-auto"})

    def decompress(self, value):
        value = list(value or [])
        return value + [""] * (len(self.widgets) - len(value))

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        for position, subwidget in enumerate(context["widget"]["subwidgets"], start=1):
            subwidget["attrs"]["aria-label"] = _("Channel %(position)d") % {"position": position}
        return context


class FlowField(forms.MultiValueField):
    """An ordered choice of channels without gaps: ``["sms", "", "viber"]`` -> ``["sms", "viber"]``.
    Repeats and unknown channels are left to the provider's rules."""

    def __init__(self, channels: list[str], **kwargs):
        choices = [("", "—")] + [(c, CHANNEL_LABELS.get(c, c.title())) for c in channels]
        fields = [forms.ChoiceField(choices=choices, required=False) for _channel in channels]
        super().__init__(fields=fields, require_all_fields=False, required=False,
                         widget=FlowWidget(choices, len(channels)), **kwargs)

    def compress(self, data_list):
        return [value for value in data_list or [] if value]


def smsmanager_fields() -> dict[str, forms.Field]:
    """SMS Manager's block: sender, channel flow, tag."""
    words = vocabulary(SMSMANAGER)
    channels = [channel.value for channel in words.Channel]
    return {
        "smsmanager_sender": forms.CharField(
            label=gettext_lazy("Sender"), required=False, max_length=20, strip=True,
            initial=lambda: provider_default_sender(SMSMANAGER),
            help_text=gettext_lazy(
                "The sender ID as set up in your SMS Manager account; empty: the account's default."
            ),
            widget=forms.TextInput(attrs={"class": "form-control"}),
        ),
        "smsmanager_flow": FlowField(
            channels, label=gettext_lazy("Channel flow"),
            initial=["sms"] if "sms" in channels else [],
            help_text=gettext_lazy(
                "The first channel is tried first; when the recipient cannot get it, the next "
                "one. Empty: SMS only."
            ),
        ),
        "smsmanager_tag": forms.ChoiceField(
            label=gettext_lazy("Tag"), required=False,
            choices=[("", gettext_lazy("None"))]
            + [(tag.value, TAG_LABELS.get(tag.value, tag.value)) for tag in words.Tag],
            help_text=gettext_lazy("Priority and transactional messages are handled first by SMS Manager."),
            widget=forms.Select(attrs={"class": "form-select"}),
        ),
    }


def smsmanager_options_clean(form: forms.Form, data: dict) -> dict[str, Any]:
    """SMS Manager's options from the form's fields, checked by its rules; a problem is
    added to the field it is about."""
    rules = vocabulary(SMSMANAGER)
    flow, tag = data.get("smsmanager_flow") or [], data.get("smsmanager_tag") or ""
    for field, options in (("smsmanager_flow", {"flow": flow} if flow else {}),
                           ("smsmanager_tag", {"tag": tag})):
        try:
            rules.validate_options(options)
        except ValueError as error:
            for problem in error.args[0]:
                form.add_error(field, _smsmanager_problem(field, flow, problem))
    if "smsmanager_flow" in form.errors or "smsmanager_tag" in form.errors:
        return {}
    options = {"flow": flow, "tag": tag} if flow else {"tag": tag}
    try:
        return rules.validate_options(options)
    except ValueError as error:
        for problem in error.args[0]:
            form.add_error(None, _(problem))
        return {}


def _smsmanager_problem(field: str, flow: list[str], problem: str) -> str:
    if field == "smsmanager_flow" and len(set(flow)) != len(flow):
        return str(SMSMANAGER_FLOW_REPEATED)
    return _(problem)


JUSTCALL = "justcall"


def justcall_fields() -> dict[str, forms.Field]:
    """JustCall's block: the From number, one of those an administrator listed."""
    numbers = core_provider.provider_from_numbers(JUSTCALL)
    default = provider_default_sender(JUSTCALL)
    return {
        "justcall_sender": forms.ChoiceField(
            label=gettext_lazy("From number"), required=True,
            choices=[("", "—")] + [(number, number) for number in numbers],
            initial=default if default in numbers else (numbers[0] if len(numbers) == 1 else ""),
            help_text=gettext_lazy("One of the account's SMS-enabled numbers, as an "
                                   "administrator listed them on the Providers page."),
            error_messages={"required": gettext_lazy(
                "Choose a From number. None listed? An administrator lists them on the "
                "Providers page.")},
            widget=forms.Select(attrs={"class": "form-select"}),
        ),
    }


SMSBY = "smsby"


def smsby_fields() -> dict[str, forms.Field]:
    """SMS.by's block: the alpha name a mailing is sent under (its ``alphaname_id``)."""
    return {
        # Checked in smsby_options_clean, not by the browser: a hidden block's required or
        # out-of-range input would stop the form's submission for another provider.
        "smsby_sender": forms.IntegerField(
            label=gettext_lazy("Alpha name ID"), required=False,
            initial=lambda: provider_default_sender(SMSBY),
            help_text=gettext_lazy(
                "The number SMS.by gives the alpha name (alphaname_id); the administrator "
                "sets the default on the Providers page."
            ),
            widget=forms.NumberInput(attrs={"class": "form-control w-auto"}),
        ),
    }


def justcall_options_clean(form: forms.Form, data: dict) -> dict[str, Any]:
    """JustCall takes no options besides its From number (the sender): none to store."""
    return {}


def smsby_options_clean(form: forms.Form, data: dict) -> dict[str, Any]:
    """The alpha name is the campaign's sender (``provider_sender``): no other option."""
    alphaname_id = data.get("smsby_sender")
    if "smsby_sender" in form.errors:
        return {}
    if alphaname_id is None or alphaname_id < 1:
        form.add_error("smsby_sender", _("Give the alpha name ID SMS.by sends under (a whole number greater than 0)."))
        return {}
    data["smsby_sender"] = str(alphaname_id)
    return {}


# provider name -> (its block's fields, the function that cleans them into provider_options)
PROVIDER_FIELDS = {
    SMSMANAGER: (smsmanager_fields, smsmanager_options_clean),
    JUSTCALL: (justcall_fields, justcall_options_clean),
    SMSBY: (smsby_fields, smsby_options_clean),
}


# The MMS attachment: one select for every provider with ``capabilities.mms``, shown while
# one of them is chosen.
MEDIA = "media"
MEDIA_NEEDS_PUBLIC_URL = gettext_lazy(
    "MMS needs the panel's public address: set PANEL_PUBLIC_URL, so that the provider can "
    "download the file. Until then no file can be attached."
)


def media_field(*, available: bool) -> forms.ModelChoiceField:
    """The "Media (MMS)" select of the media library; disabled without ``PANEL_PUBLIC_URL``."""
    return forms.ModelChoiceField(
        label=gettext_lazy("Media (MMS)"), queryset=media_for_compose(), required=False,
        empty_label=gettext_lazy("None: a text message"), disabled=not available,
        help_text=gettext_lazy("A file of the media library, sent with the text as an MMS.")
        if available else "",
        widget=forms.Select(attrs={"class": "form-select", "data-testid": "media"}),
    )


class ProviderChoiceMixin:
    """The Provider select and each enabled provider's block of fields, for a form whose
    Justsend fields are ``JUSTSEND_FIELDS``. Only the chosen provider's block is required,
    validated and read; the others may come back with anything (hidden in the page)."""

    JUSTSEND_FIELDS: tuple[str, ...] = ()
    # provider name -> (its block's fields, their cleaner); a form may give a provider its own.
    PROVIDER_BLOCKS = PROVIDER_FIELDS

    def provider_setup(self, *, current: str | None = None) -> None:
        choices = provider_choices(current)
        self.fields["provider"].choices = choices
        self.provider_fields: dict[str, list[str]] = {DEFAULT_PROVIDER: list(self.JUSTSEND_FIELDS)}
        for name, _label in choices:
            if name in self.PROVIDER_BLOCKS:
                block = self.PROVIDER_BLOCKS[name][0]()
                self.fields.update(block)
                self.provider_fields[name] = list(block)
        chosen = self.chosen_provider()
        for name, field_names in self.provider_fields.items():
            if name != chosen:
                for field_name in field_names:
                    self.fields[field_name].required = False
        self.mms_providers = [name for name, _label in choices if provider_capabilities(name).mms]
        # Shown above the disabled select: why no file can be attached.
        self.media_note = None if settings.PANEL_PUBLIC_URL else MEDIA_NEEDS_PUBLIC_URL
        if self.mms_providers:
            self.fields[MEDIA] = media_field(available=self.media_note is None)

    def clean_provider(self) -> str:
        name = self.cleaned_data.get("provider") or DEFAULT_PROVIDER
        if name not in core_provider.provider_registry().enabled():
            # Listed only so that a saved campaign of a provider since switched off opens.
            raise forms.ValidationError(
                _("%(provider)s is not configured on this panel: choose another provider.")
                % {"provider": provider_label(name)}
            )
        return name

    def chosen_provider(self) -> str:
        if self.is_bound:
            return self.data.get(self.add_prefix("provider")) or DEFAULT_PROVIDER
        return self.get_initial_for_field(self.fields["provider"], "provider") or DEFAULT_PROVIDER

    def provider_fieldsets(self) -> list[tuple[str, list]]:
        """The blocks of the providers other than Justsend, as (name, bound fields)."""
        return [
            (name, [self[field_name] for field_name in field_names])
            for name, field_names in self.provider_fields.items()
            if name != DEFAULT_PROVIDER
        ]

    def provider_clean(self, data: dict) -> str | None:
        """Forget what the providers not chosen got; returns the chosen provider."""
        chosen = data.get("provider")
        for name, field_names in self.provider_fields.items():
            if name == chosen:
                continue
            for field_name in field_names:
                self._errors.pop(field_name, None)
                data.pop(field_name, None)
        if chosen in self.PROVIDER_BLOCKS:
            self.provider_options = self.PROVIDER_BLOCKS[chosen][1](self, data)
        else:
            self.provider_options = {}
        if data.get(MEDIA) is not None and chosen and not provider_capabilities(chosen).mms:
            if self.fields[MEDIA].disabled:  # a saved attachment the user cannot change here
                data[MEDIA] = None
                return chosen
            self.add_error(MEDIA, _(
                "%(provider)s cannot send an MMS: choose “None” here, or a provider that "
                "sends MMS."
            ) % {"provider": provider_label(chosen)})
        return chosen

    def provider_media(self) -> dict:
        """``{"media": file or None}`` when the form offers an attachment, else nothing (a
        saved attachment is then left as it is)."""
        if MEDIA not in self.fields:
            return {}
        return {MEDIA: self.cleaned_data.get(MEDIA)}

    def provider_text_check(self, field: str, text: str | None) -> None:
        """A text longer than the chosen provider takes: its vocabulary's ``max_length``
        and ``text_length`` where the limit depends on the text's encoding (JustCall's
        1,600 GSM-7 / 1,120 Unicode), else its ``MAX_TEXT_LENGTH``."""
        chosen = self.cleaned_data.get("provider")
        if not text or chosen == DEFAULT_PROVIDER or chosen not in self.provider_fields:
            return
        words = vocabulary(chosen)
        if hasattr(words, "max_length") and hasattr(words, "text_length"):
            limit, length = words.max_length(text), words.text_length(text)
            if length > limit:
                self.add_error(field, _(
                    "The message has %(length)d characters; %(provider)s takes at most "
                    "%(limit)d in its encoding (%(encoding)s)."
                ) % {"length": length, "provider": provider_label(chosen), "limit": limit,
                     "encoding": "GSM-7" if words.is_gsm7(text) else "Unicode"})
            return
        limit = getattr(words, "MAX_TEXT_LENGTH", None)
        if limit is not None and len(text) > limit:
            self.add_error(field, _(
                "The message has %(length)d characters; %(provider)s takes at most %(limit)d."
            ) % {"length": len(text), "provider": provider_label(chosen), "limit": limit})

    def provider_sender(self) -> str:
        """The sender a provider other than Justsend sends under (its block's sender field)."""
        return self.cleaned_data.get(f"{self.cleaned_data['provider']}_sender") or ""

    @staticmethod
    def provider_initial(name: str, options: dict, sender: str) -> dict:
        if name == SMSMANAGER:
            return {"smsmanager_sender": sender, "smsmanager_flow": options.get("flow") or [],
                    "smsmanager_tag": options.get("tag") or ""}
        if name == JUSTCALL:
            return {"justcall_sender": sender}
        if name == SMSBY:
            return {"smsby_sender": sender}
        return {}


def provider_field() -> forms.ChoiceField:
    return forms.ChoiceField(
        # Not required: a form posted without it (an older page, a script) means Justsend.
        label=gettext_lazy("Provider"), initial=DEFAULT_PROVIDER, required=False,
        widget=forms.Select(attrs={"class": "form-select", "data-testid": "provider"}),
    )


def provider_options_check(*, provider: str, options: dict | None) -> dict:
    """A campaign's or message's ``provider_options`` cleaned by its provider's rules, or
    :class:`CampaignError` with the first problem (a service's last word, after the form)."""
    try:
        rules = vocabulary(provider)
    except (SmsUnsupported, ImportError) as error:  # no such provider, or no vocabulary
        raise CampaignError(_("There is no SMS provider called “%(name)s”.") % {"name": provider}) from error
    validate = getattr(rules, "validate_options", None)
    if validate is None:
        if options:
            raise CampaignError(_("This provider takes no options."))
        return {}
    try:
        return validate(options or {})
    except ValueError as error:
        raise CampaignError(_(error.args[0][0])) from error

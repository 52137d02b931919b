"""SMS.by's block of the single-message form: a text through ``sendQuickSMS`` (from an alpha
name, optionally forwarded to Viber when not delivered in time) or a verification code
through Telegram or WhatsApp. Campaigns have their own SMS.by block (``provider_options``).

The Viber name the forwarding sends from is the administrator's choice on the Providers page
(``ProviderSetting.vibername_id``): the API lists none. SMS.by's rules (its vocabulary:
forwarding 5-60 minutes, a code of 1-16 digits) decide; the form words their problems.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from campaigns.provider_options import provider_default_sender, provider_setting_get
from justsend_panel.sms.registry import vocabulary

SMSBY = "smsby"
KIND_TEXT, KIND_CODE = "text", "code"
# Messenger names are brands: not translated.
CODE_CHANNELS = [("telegram", "Telegram"), ("whatsapp", "WhatsApp")]


def verification_code_problem(code: str, *, provider: str = SMSBY) -> str | None:
    """Why ``code`` is not a verification code ``provider`` takes (translated), or ``None``."""
    words = vocabulary(provider)
    try:
        words.validate_otp_code(code)
    except ValueError:
        if not code or not code.isascii() or not code.isdigit():
            return _("A verification code is digits only (0-9), with no spaces or other characters.")
        return _("A verification code has at most %(limit)d digits; this one has %(length)d.") % {
            "limit": words.OTP_MAX_DIGITS, "length": len(code)}
    return None


def _shown_if(field: forms.Field, rule: str) -> forms.Field:
    field.show_if = rule  # campaigns/_provider_options.html wraps it in data-show-if
    return field


def smsby_single_fields() -> dict[str, forms.Field]:
    words = vocabulary(SMSBY)
    low, high = words.FORWARDING_TIME_MIN, words.FORWARDING_TIME_MAX
    text_only = f"smsby_kind={KIND_TEXT}"
    code_only = f"smsby_kind={KIND_CODE}"
    return {
        "smsby_kind": forms.ChoiceField(
            label=gettext_lazy("Kind"), initial=KIND_TEXT, required=False,
            choices=[(KIND_TEXT, gettext_lazy("Message")), (KIND_CODE, gettext_lazy("Verification code"))],
            widget=forms.RadioSelect,
        ),
        "smsby_sender": _shown_if(forms.CharField(
            label=gettext_lazy("Alpha name id"), required=False, max_length=20, strip=True,
            initial=lambda: provider_default_sender(SMSBY),
            help_text=gettext_lazy("The id of the alpha name the SMS is sent from, as SMS.by gave it."),
            widget=forms.TextInput(attrs={"class": "form-control", "inputmode": "numeric"}),
        ), text_only),
        "smsby_forwarding_message": _shown_if(forms.BooleanField(
            label=gettext_lazy("Forward to Viber if not delivered in time"), required=False,
            widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
        ), text_only),
        "smsby_forwarding_time": _shown_if(forms.IntegerField(
            label=gettext_lazy("Forward after (minutes)"), required=False, initial=words.FORWARDING_TIME_DEFAULT,
            help_text=gettext_lazy("%(low)d to %(high)d minutes.") % {"low": low, "high": high},
            widget=forms.NumberInput(attrs={"class": "form-control", "min": low, "max": high}),
        ), text_only),
        "smsby_code_channel": _shown_if(forms.ChoiceField(
            label=gettext_lazy("Send the code through"), required=False, choices=CODE_CHANNELS,
            initial=CODE_CHANNELS[0][0], widget=forms.Select(attrs={"class": "form-select"}),
        ), code_only),
        "smsby_code": _shown_if(forms.CharField(
            label=gettext_lazy("Verification code"), required=False, strip=True,
            help_text=gettext_lazy(
                "Digits only, at most %(limit)d. After sending, the panel shows only its last two digits."
            ) % {"limit": words.OTP_MAX_DIGITS},
            widget=forms.TextInput(attrs={"class": "form-control", "inputmode": "numeric",
                                          "autocomplete": "off"}),
        ), code_only),
    }


def smsby_single_options_clean(form: forms.Form, data: dict) -> dict[str, Any]:
    """SMS.by's options for one message; for a verification code, none: the code becomes the
    form's ``content`` and its messenger ``form.code_channel``."""
    if data.get("smsby_kind") == KIND_CODE:
        code = data.get("smsby_code") or ""
        problem = verification_code_problem(code)
        if problem:
            form.add_error("smsby_code", problem)
            return {}
        channel = data.get("smsby_code_channel") or CODE_CHANNELS[0][0]
        form.code_channel = channel
        data["content"] = code
        return {}
    options: dict[str, Any] = {"alphaname_id": data.get("smsby_sender") or None}
    if not options["alphaname_id"]:
        form.add_error("smsby_sender", _("Give the alpha name id to send from."))
        return {}
    if data.get("smsby_forwarding_message"):
        setting = provider_setting_get(provider=SMSBY)
        vibername_id = setting.vibername_id if setting else None
        if vibername_id is None:
            form.add_error("smsby_forwarding_message", _(
                "No Viber name is set for SMS.by: an administrator sets it on the Providers page."))
            return {}
        options.update(forwarding_message=True, vibername_id=vibername_id,
                       forwarding_time=data.get("smsby_forwarding_time"))
    try:
        return vocabulary(SMSBY).validate_options(options)
    except ValueError as error:
        for problem in error.args[0]:
            form.add_error(_problem_field(problem), _smsby_problem(problem))
        return {}


def _problem_field(problem: str) -> str | None:
    for key in ("forwarding_time", "alphaname_id"):
        if problem.startswith(key):
            return {"forwarding_time": "smsby_forwarding_time", "alphaname_id": "smsby_sender"}[key]
    return None


def _smsby_problem(problem: str) -> str:
    words = vocabulary(SMSBY)
    if problem.startswith("forwarding_time"):
        return _("Forwarding to Viber waits %(low)d to %(high)d minutes.") % {
            "low": words.FORWARDING_TIME_MIN, "high": words.FORWARDING_TIME_MAX}
    if problem.startswith("alphaname_id"):
        return _("The alpha name id is a positive whole number.")
    return _(problem)

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from billing.services import AuthCodeSettings
from justsend_panel.core.forms import BootstrapForm
from justsend_panel.sms.registry import vocabulary

JS = vocabulary("justsend")
rules = JS.rules
COUNTRY_CHOICES = JS.COUNTRY_CHOICES
AuthCode = JS.AuthCode
BulkVariant = JS.BulkVariant
Country = JS.Country
VoiceConfig = JS.VoiceConfig

MAIL2SMS_VARIANTS = [
    BulkVariant.ECO, BulkVariant.FULL, BulkVariant.PRO, BulkVariant.INTER, BulkVariant.VOICE,
]
# INTER sends abroad: the manual's country list (5.2.2) has every Country but Poland.
INTER_COUNTRY_CHOICES = [("", "—")] + [
    (value, label) for value, label in COUNTRY_CHOICES if value != Country.POLAND.value
]


class LowBalanceThresholdForm(BootstrapForm):
    threshold = forms.DecimalField(
        label=_("Warn below (points)"),
        required=False,
        min_value=0,
        max_digits=14,
        decimal_places=2,
        help_text=_("Balance plus promo points. Empty: no warning."),
    )


class VoiceConfigForm(BootstrapForm):
    """VOICE call settings, checked as the manual (3.1.3) states them.

    Periods are minutes between failed call attempts, the pause is seconds between
    pick-up and playback (0-10), retries are at most 4 (Justsend would silently cap a
    higher value; the panel says so instead).
    """

    repeat_dtmf = forms.BooleanField(label=_("Repeat the message on a key press (DTMF)"), required=False)
    min_period = forms.IntegerField(label=_("Minimum wait between attempts (minutes)"), min_value=0, required=False)
    max_period = forms.IntegerField(label=_("Maximum wait between attempts (minutes)"), min_value=0, required=False)
    max_count = forms.IntegerField(label=_("Retry attempts"), min_value=0, max_value=4, required=False)
    pause = forms.IntegerField(label=_("Pause before playback (seconds)"), min_value=0, max_value=10, required=False)
    max_dtmf = forms.IntegerField(label=_("Maximum key presses"), min_value=0, required=False)
    voice_language = forms.RegexField(
        label=_("Voice language"),
        regex=r"^[A-Z_]+$",
        max_length=30,
        required=False,
        initial="POLISH",
        help_text=_("As Justsend names it, for example POLISH."),
        error_messages={"invalid": _("Capital letters and underscores only, e.g. POLISH.")},
    )
    voice_repeating = forms.BooleanField(label=_("Repeat the message"), required=False)

    VOICE_REQUIRED = ("min_period", "max_period", "max_count", "pause")

    def clean_voice(self) -> None:
        data = self.cleaned_data
        for name in self.VOICE_REQUIRED:
            if data.get(name) is None and name not in self.errors:
                self.add_error(name, _("Required for VOICE."))
        low, high = data.get("min_period"), data.get("max_period")
        if low is not None and high is not None and low > high:
            self.add_error("max_period", _("Must not be less than the minimum wait."))

    def voice_config(self) -> VoiceConfig:
        data = self.cleaned_data
        return VoiceConfig(
            repeat_dtmf=data["repeat_dtmf"],
            min_period=data["min_period"],
            max_period=data["max_period"],
            max_count=data["max_count"],
            pause=data["pause"],
            max_dtmf=data.get("max_dtmf"),
            voice_language=data.get("voice_language") or "POLISH",
            voice_repeating=data["voice_repeating"],
        )

    @staticmethod
    def initial_from_voice(config: dict) -> dict:
        repeat = config.get("repeatDtmf")
        return {
            "repeat_dtmf": repeat in (True, 1, "1", "true"),
            "min_period": config.get("minPeriod"),
            "max_period": config.get("maxPeriod"),
            "max_count": config.get("maxCount"),
            "pause": config.get("pause"),
            "max_dtmf": config.get("maxDtmf"),
            "voice_language": config.get("voiceLanguage") or "POLISH",
            "voice_repeating": bool(config.get("voiceRepeating")),
        }


class AuthCodeForm(VoiceConfigForm):
    bulk_variant = forms.ChoiceField(
        label=_("Variant"), choices=[(v.value, v.value) for v in MAIL2SMS_VARIANTS]
    )
    sender_override = forms.CharField(
        label=_("Sender override"),
        max_length=64,
        help_text=_("The sender name the messages of this code go out with."),
    )
    country = forms.ChoiceField(
        label=_("Country (INTER)"), choices=INTER_COUNTRY_CHOICES, required=False
    )

    field_order = ["bulk_variant", "sender_override", "country"]

    def clean(self) -> dict:
        cleaned = super().clean()
        variant = cleaned.get("bulk_variant")
        if variant == BulkVariant.INTER and not cleaned.get("country"):
            self.add_error("country", _("An INTER code needs a country."))
        if variant and cleaned.get("sender_override"):
            for error in rules.mail2sms_sender_errors(variant, cleaned["sender_override"]):
                self.add_error("sender_override", error)
        if variant == BulkVariant.VOICE:
            self.clean_voice()
        return cleaned

    def code_settings(self) -> AuthCodeSettings:
        variant = BulkVariant(self.cleaned_data["bulk_variant"])
        return AuthCodeSettings(
            bulk_variant=variant,
            sender_override=self.cleaned_data["sender_override"],
            country=Country(self.cleaned_data["country"]) if variant is BulkVariant.INTER else None,
            voice_config=self.voice_config() if variant is BulkVariant.VOICE else None,
        )

    @classmethod
    def initial_from(cls, code: AuthCode) -> dict:
        properties = code.properties or {}
        try:
            country = Country(properties["country"]).value if properties.get("country") else ""
        except ValueError:  # a country Justsend added since: the form asks for one again
            country = ""
        initial = {
            "bulk_variant": str(code.bulk_variant or ""),
            "sender_override": code.sender_override or "",
            "country": country,
        }
        if isinstance(properties.get("voiceConfig"), dict):
            initial.update(cls.initial_from_voice(properties["voiceConfig"]))
        return initial

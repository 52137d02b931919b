"""The Providers page (administrators): every SMS provider of the registry, its mode,
API URL and webhook URL (never a credential), what it can do, the administrator's
choices (ProviderSetting) and a connection check."""

from __future__ import annotations

import re

import phonenumbers
from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView

from justsend_panel.core.forms import BootstrapForm
from justsend_panel.core.models import ProviderSetting
from justsend_panel.core.permissions import AdminOnlyMixin
from justsend_panel.core.provider import providers_overview_get
from justsend_panel.core.services import provider_check, provider_setting_update
from justsend_panel.sms.registry import PROVIDERS, backend_class


class ProviderSettingForm(BootstrapForm):
    """The administrator's choices for one provider; empty fields mean the defaults."""

    default_sender = forms.CharField(
        label=gettext_lazy("Default sender"), max_length=40, required=False)
    price_per_segment = forms.DecimalField(
        label=gettext_lazy("Price per segment"), max_digits=10, decimal_places=4,
        min_value=0, required=False,
        help_text=gettext_lazy("For the cost preview, where the provider's API gives no price."))
    currency = forms.CharField(label=gettext_lazy("Currency"), max_length=8, required=False)
    rate_limit = forms.FloatField(
        label=gettext_lazy("Requests per second"), min_value=0.01, max_value=1000,
        required=False,
        help_text=gettext_lazy("All workers together. Empty: the provider's default."))
    vibername_id = forms.IntegerField(
        label=gettext_lazy("Viber name id"), min_value=1, required=False,
        help_text=gettext_lazy("The Viber name single messages are forwarded from, as SMS.by gave it."))

    # Fields only one provider has: the form of every other provider leaves them out.
    PROVIDER_ONLY = {"vibername_id": "smsby"}

    from_numbers = forms.CharField(
        label=gettext_lazy("From numbers"), required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("The account's numbers messages may be sent from, in "
                               "international format (+48…), one per line or separated by "
                               "commas."))

    # A provider whose sender is not a name: its label, its help, and what it must be.
    SENDER_FIELDS = {
        "smsby": (gettext_lazy("Alpha name ID"),
                  gettext_lazy("SMS.by's number for the alpha name mailings are sent under "
                               "(alphaname_id), as SMS.by's own panel shows it: its API lists "
                               "no alpha names. The compose form offers it.")),
    }

    def __init__(self, *args, provider: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if provider is None or not backend_class(provider).capabilities.from_numbers:
            del self.fields["from_numbers"]
        for name, only in self.PROVIDER_ONLY.items():
            if self.prefix != only:
                del self.fields[name]
        if self.prefix in self.SENDER_FIELDS:
            label, help_text = self.SENDER_FIELDS[self.prefix]
            self.fields["default_sender"].label = label
            self.fields["default_sender"].help_text = help_text

    def clean_from_numbers(self) -> list[str]:
        return from_numbers_parse(self.cleaned_data.get("from_numbers") or "")

    def clean_default_sender(self):
        sender = self.cleaned_data["default_sender"].strip()
        if self.prefix in self.SENDER_FIELDS and sender and (
                not sender.isascii() or not sender.isdigit() or int(sender) < 1):
            raise forms.ValidationError(_("Give a whole number greater than 0."))
        return sender

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("price_per_segment") is not None and not cleaned.get("currency"):
            self.add_error("currency", _("Give the currency of the price."))
        return cleaned

    @classmethod
    def for_setting(cls, setting: ProviderSetting | None, **kwargs) -> ProviderSettingForm:
        initial = {}
        if setting is not None:
            initial = {name: getattr(setting, name) for name in
                       ("default_sender", "price_per_segment", "currency", "rate_limit", "vibername_id")}
            initial["from_numbers"] = "\n".join(setting.from_numbers or [])
        return cls(initial=initial, **kwargs)


def from_numbers_parse(text: str) -> list[str]:
    """Numbers one per line or comma-separated, each a valid number in E.164 (``+`` and
    the country code), without repeats, in the order given; else ValidationError naming
    the ones that are not."""
    numbers, wrong = [], []
    for item in filter(None, (part.strip() for part in re.split(r"[,\n]", text))):
        try:
            parsed = phonenumbers.parse(item, None)
        except phonenumbers.NumberParseException:
            parsed = None
        if parsed is None or not item.startswith("+") or not phonenumbers.is_valid_number(parsed):
            wrong.append(item)
            continue
        number = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
        if number not in numbers:
            numbers.append(number)
    if wrong:
        raise forms.ValidationError(
            _("Not a number in international format (+ and the country code): %(numbers)s")
            % {"numbers": ", ".join(wrong)})
    return numbers


def _provider_or_404(name: str) -> str:
    if name not in PROVIDERS:
        raise Http404
    return name


class ProvidersView(AdminOnlyMixin, TemplateView):
    template_name = "core/providers.html"

    def get_context_data(self, *, forms_by_provider=None, check=None, **kwargs):
        context = super().get_context_data(**kwargs)
        forms_by_provider = forms_by_provider or {}
        cards = []
        for overview in providers_overview_get():
            form = forms_by_provider.get(overview.name) or ProviderSettingForm.for_setting(
                overview.setting, prefix=overview.name, provider=overview.name)
            # The address providers reach (PANEL_PUBLIC_URL), else the one this page has.
            webhook_url = overview.webhook_path and (
                settings.PANEL_PUBLIC_URL + overview.webhook_path
                if settings.PANEL_PUBLIC_URL
                else self.request.build_absolute_uri(overview.webhook_path)
            )
            cards.append({
                "provider": overview, "form": form, "webhook_url": webhook_url,
                "check": check if check is not None and check.provider == overview.name else None,
            })
        context["cards"] = cards
        return context


class ProviderSettingView(ProvidersView):
    http_method_names = ["post"]

    def post(self, request: HttpRequest, name: str):
        provider = _provider_or_404(name)
        form = ProviderSettingForm(request.POST, prefix=provider, provider=provider)
        if not form.is_valid():
            return self.render_to_response(
                self.get_context_data(forms_by_provider={provider: form}), status=400)
        provider_setting_update(provider=provider, by=request.user, **form.cleaned_data)
        messages.success(request, _("Settings saved."))
        return redirect(f"{reverse('core:providers')}#provider-{provider}")


class ProviderCheckView(ProvidersView):
    http_method_names = ["post"]

    def post(self, request: HttpRequest, name: str):
        check = provider_check(provider=_provider_or_404(name), by=request.user)
        return self.render_to_response(self.get_context_data(check=check))

"""The Providers page (administrators): every SMS provider of the registry, its mode,
API URL and webhook URL (never a credential), what it can do, the administrator's
choices (ProviderSetting) and a connection check."""

from __future__ import annotations

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
from justsend_panel.sms.registry import PROVIDERS


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

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, provider in self.PROVIDER_ONLY.items():
            if self.prefix != provider:
                del self.fields[name]

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
        return cls(initial=initial, **kwargs)


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
                overview.setting, prefix=overview.name)
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
        form = ProviderSettingForm(request.POST, prefix=provider)
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

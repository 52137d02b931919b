from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from billing.forms import LowBalanceThresholdForm
from billing.selectors import balance_chart_range, balance_history_get, billing_settings_get
from billing.services import account_reading_get, low_balance_threshold_set
from justsend_panel.core.permissions import AdminOnlyMixin, PanelPermissionMixin
from justsend_panel.sms.registry import vocabulary

JS = vocabulary("justsend")
BulkVariant = JS.BulkVariant

HISTORY_DAYS = (1, 7, 30, 90)
DEFAULT_HISTORY_DAYS = 30
VARIANT_ORDER = [variant.value for variant in BulkVariant]


def wants_refresh(request) -> bool:
    return request.GET.get("refresh") == "1"


def price_rows(figures) -> list[dict]:
    """Each variant with its price and whether GET /pricing/config offers it."""
    names = set(figures.prices) | set(figures.variants)
    ordered = sorted(names, key=lambda n: (VARIANT_ORDER.index(n) if n in VARIANT_ORDER else 99, n))
    return [
        {"variant": name, "price": figures.prices.get(name), "offered": name in figures.variants}
        for name in ordered
    ]


class BillingView(PanelPermissionMixin, TemplateView):
    """Balance and promo points, prices, the balance chart and the low-balance threshold."""

    template_name = "billing/billing.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        reading = account_reading_get(force=wants_refresh(self.request))
        try:
            days = int(self.request.GET.get("days", DEFAULT_HISTORY_DAYS))
        except ValueError:
            days = DEFAULT_HISTORY_DAYS
        if days not in HISTORY_DAYS:
            days = DEFAULT_HISTORY_DAYS
        billing_settings = billing_settings_get()
        history = balance_history_get(days=days)
        context.update(
            reading=reading,
            figures=reading.value,
            prices=price_rows(reading.value) if reading.value else [],
            history=history,
            history_range=balance_chart_range(history=history, days=days),
            history_days=days,
            history_choices=HISTORY_DAYS,
            threshold=billing_settings.low_balance_threshold,
            threshold_form=LowBalanceThresholdForm(
                initial={"threshold": billing_settings.low_balance_threshold}
            ),
        )
        return context


class ThresholdUpdateView(AdminOnlyMixin, View):
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        form = LowBalanceThresholdForm(request.POST)
        if form.is_valid():
            threshold = form.cleaned_data["threshold"]
            low_balance_threshold_set(threshold=threshold, user=request.user)
            if threshold is None:
                messages.success(request, _("The low-balance warning is off."))
            else:
                messages.success(
                    request, _("Low-balance threshold set to %(value)s points.") % {"value": threshold}
                )
        else:
            errors = "; ".join(e for field_errors in form.errors.values() for e in field_errors)
            messages.error(request, _("The threshold was not changed: %(errors)s") % {"errors": errors})
        return redirect("billing:billing")

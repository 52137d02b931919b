from django.views.generic import TemplateView

from justsend_panel.core.permissions import PanelPermissionMixin


class BillingView(PanelPermissionMixin, TemplateView):
    template_name = "billing/billing.html"

from django.views.generic import TemplateView

from justsend_panel.core.permissions import PanelPermissionMixin


class CampaignListView(PanelPermissionMixin, TemplateView):
    template_name = "campaigns/campaign_list.html"


class StatisticsView(PanelPermissionMixin, TemplateView):
    template_name = "campaigns/statistics.html"

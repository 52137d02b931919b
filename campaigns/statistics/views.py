"""Statistics pages: the Statistics page (charts, table, CSV), a campaign's delivery charts,
a number's history, and the dashboard's live list of campaigns sending now."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from campaigns.models import Campaign
from campaigns.statistics.exports import statistics_csv
from campaigns.statistics.filters import StatisticsFilter, provider_filter_choices
from campaigns.statistics.history import DEFAULT_DAYS, number_history
from campaigns.statistics.selectors import (
    campaign_delivery_stats,
    campaigns_sending_now,
    chart_data,
    provider_chart_data,
    provider_delivery_stats,
    statistics_get,
)
from campaigns.statistics.tables import DailyStatisticsTable
from justsend_panel.core.permissions import USE_PANEL, PanelPermissionMixin
from justsend_panel.core.spreadsheets import spreadsheet_csv_response

VIEW = (USE_PANEL, "campaigns.view_campaign")
# How often the dashboard's list refreshes while something is sending (a campaign's charts
# follow its progress card's poll).
REFRESH_SECONDS = 5


class StatisticsView(PanelPermissionMixin, SingleTableMixin, FilterView):
    permission_required = VIEW
    template_name = "campaigns/statistics.html"
    filterset_class = StatisticsFilter
    table_class = DailyStatisticsTable
    table_pagination = {"per_page": 50}
    statistics = None

    def get_table_data(self):
        found = self.filterset.stats_query()
        if found is None:
            return []
        # Show the range the defaults chose for a date left empty.
        form = self.filterset.form
        if form.is_bound:
            form.data = form.data.copy()
            form.data["date_from"], form.data["date_to"] = found[0].start, found[0].end
        else:
            form.fields["date_from"].initial, form.fields["date_to"].initial = found[0].start, found[0].end
        self.statistics = statistics_get(query=found[0], source=found[1])
        return self.statistics.rows

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if self.statistics is not None:
            context["statistics"] = self.statistics
            context["chart"] = chart_data(statistics=self.statistics)
            providers = provider_delivery_stats(query=self.statistics.query)
            context["providers"] = providers
            context["chart"]["providers"] = provider_chart_data(providers=providers)
            context["export_query"] = self.request.GET.urlencode()
        return context


class StatisticsExportView(PanelPermissionMixin, View):
    permission_required = VIEW

    def get(self, request):
        found = StatisticsFilter(request.GET or None).stats_query()
        if found is None:
            messages.error(request, _("Correct the filters before exporting."))
            return redirect(f"{reverse('campaigns:statistics')}?{request.GET.urlencode()}")
        statistics = statistics_get(query=found[0], source=found[1])
        provider = f"-{found[0].provider}" if found[0].provider else ""
        name = f"statistics-{statistics.source}{provider}-{found[0].start}-{found[0].end}.csv"
        return spreadsheet_csv_response(rows=statistics_csv(statistics=statistics), filename=name)


class CampaignDeliveryChartsView(PanelPermissionMixin, TemplateView):
    """The campaign page loads this after itself; while the campaign is on its way the
    progress card's poll brings the same block (``campaign_progress``)."""

    permission_required = VIEW
    template_name = "campaigns/statistics/_campaign_charts_body.html"

    def get_context_data(self, **kwargs):
        campaign = get_object_or_404(Campaign, pk=kwargs["pk"])
        stats = campaign_delivery_stats(campaign=campaign)
        return super().get_context_data(campaign=campaign, stats=stats, chart=stats.chart(),
                                        **kwargs)


class NumberHistoryView(PanelPermissionMixin, TemplateView):
    permission_required = VIEW
    template_name = "campaigns/statistics/number_history.html"

    def get_context_data(self, **kwargs):
        try:
            days = int(self.request.GET.get("days", DEFAULT_DAYS))
        except ValueError:
            days = DEFAULT_DAYS
        providers = provider_filter_choices()
        provider = self.request.GET.get("provider", "")
        if provider not in dict(providers):
            provider = ""
        return super().get_context_data(
            history=number_history(raw=kwargs["msisdn"], days=days, provider=provider),
            providers=providers, **kwargs
        )


class DashboardSendingView(PanelPermissionMixin, TemplateView):
    """The dashboard's campaigns-sending-now card, polled while any is on its way."""

    template_name = "campaigns/statistics/_dashboard_sending.html"

    def get_context_data(self, **kwargs):
        sending = campaigns_sending_now()
        return super().get_context_data(
            sending=sending, refresh_seconds=REFRESH_SECONDS if sending else None, **kwargs,
        )

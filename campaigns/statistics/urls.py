"""Included by campaigns/urls.py at ``statistics/``, in the ``campaigns`` namespace."""

from django.urls import path

from campaigns.statistics import views

urlpatterns = [
    path("", views.StatisticsView.as_view(), name="statistics"),
    path("export.csv", views.StatisticsExportView.as_view(), name="statistics_export"),
    path(
        "campaign/<int:pk>/delivery/", views.CampaignDeliveryChartsView.as_view(),
        name="campaign_delivery_charts",
    ),
    path("history/<str:msisdn>/", views.NumberHistoryView.as_view(), name="number_history"),
    path("sending-now/", views.DashboardSendingView.as_view(), name="dashboard_sending"),
]

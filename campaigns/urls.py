from django.urls import path

from campaigns import views

app_name = "campaigns"

urlpatterns = [
    path("", views.CampaignListView.as_view(), name="campaign_list"),
    path("statistics/", views.StatisticsView.as_view(), name="statistics"),
]

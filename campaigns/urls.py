from django.urls import include, path

from campaigns import views

app_name = "campaigns"

urlpatterns = [
    path("", views.CampaignListView.as_view(), name="campaign_list"),
    path("new/", views.CampaignCreateView.as_view(), name="campaign_create"),
    path("fields/", views.CampaignFieldsView.as_view(), name="campaign_fields"),
    path("<int:pk>/", views.CampaignDetailView.as_view(), name="campaign_detail"),
    path("<int:pk>/edit/", views.CampaignUpdateView.as_view(), name="campaign_edit"),
    path("<int:pk>/preview/", views.CampaignPreviewView.as_view(), name="campaign_preview"),
    path(
        "<int:pk>/preview/<str:kind>.csv", views.CampaignRemovedNumbersView.as_view(),
        name="campaign_removed_numbers",
    ),
    path("<int:pk>/launch/", views.CampaignLaunchView.as_view(), name="campaign_launch"),
    path("<int:pk>/progress/", views.CampaignProgressView.as_view(), name="campaign_progress"),
    path("<int:pk>/report.csv", views.CampaignReportView.as_view(), name="campaign_report"),
    path("<int:pk>/recipients/", views.CampaignRecipientsView.as_view(), name="campaign_recipients"),
    path("<int:pk>/cancel/", views.CampaignCancelView.as_view(), name="campaign_cancel"),
    path("<int:pk>/in-doubt/resend/", views.CampaignInDoubtResendView.as_view(),
         name="campaign_in_doubt_resend"),
    path("<int:pk>/copy/<str:how>/", views.CampaignCopyView.as_view(), name="campaign_copy"),
    path("single-messages/", views.SingleMessageListView.as_view(), name="single_message_list"),
    path("single-messages/new/", views.SingleMessageSendView.as_view(), name="single_message_send"),
    path("single-messages/sent/<int:pk>/", views.SentMessageDetailView.as_view(),
         name="sent_message_detail"),
    path(
        "single-messages/<str:message_id>/", views.SingleMessageDetailView.as_view(),
        name="single_message_detail",
    ),
    path("statistics/", include("campaigns.statistics.urls")),
]

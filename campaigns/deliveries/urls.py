from django.urls import path

from campaigns.deliveries import views

app_name = "deliveries"

urlpatterns = [
    path("replies/", views.ReplyListView.as_view(), name="reply_list"),
    path("keyword-responses/", views.KeywordResponseListView.as_view(),
         name="keyword_responses"),
]

# Included at the project's root: the base URL is reversed by name (runpanel, Connection page).
webhook_urlpatterns = [
    path("webhooks/justsend/<str:secret>/", views.justsend_webhook, name="justsend_webhook"),
    path("webhooks/justsend/<str:secret>/<str:kind>/", views.justsend_webhook,
         name="justsend_webhook_kind"),
    # Every other provider's status notifications (after Justsend's own, which it keeps).
    path("webhooks/<str:provider>/<str:secret>/", views.provider_webhook,
         name="provider_webhook"),
    # A provider that takes a callback URL per message: the last segment names the recipient.
    path("webhooks/<str:provider>/<str:secret>/<str:token>/", views.provider_webhook_token,
         name="provider_webhook_token"),
]

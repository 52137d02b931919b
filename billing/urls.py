from django.urls import path

from billing import views

app_name = "billing"

urlpatterns = [
    path("", views.BillingView.as_view(), name="billing"),
    path("threshold/", views.ThresholdUpdateView.as_view(), name="threshold"),
    path("transactions/", views.TransactionListView.as_view(), name="transactions"),
    path(
        "transactions/export.csv",
        views.TransactionExportView.as_view(),
        name="transactions_export",
    ),
    path("uploads/", views.UploadListView.as_view(), name="uploads"),
    path("mail2sms/", views.Mail2SmsView.as_view(), name="mail2sms"),
    path("mail2sms/codes/new/", views.AuthCodeCreateView.as_view(), name="auth_code_create"),
    path(
        "mail2sms/codes/<str:code_id>/edit/",
        views.AuthCodeEditView.as_view(),
        name="auth_code_edit",
    ),
    path(
        "mail2sms/codes/<str:code_id>/delete/",
        views.AuthCodeDeleteView.as_view(),
        name="auth_code_delete",
    ),
    path(
        "mail2sms/whitelist/<str:entry_id>/delete/",
        views.WhitelistDeleteView.as_view(),
        name="whitelist_delete",
    ),
]

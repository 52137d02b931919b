from django.urls import path

from justsend_panel.audit import views

app_name = "audit"

urlpatterns = [
    path("", views.ActivityView.as_view(), name="activity"),
    path("export.csv", views.ActivityExportView.as_view(), name="activity_export"),
]

from django.urls import path

from justsend_panel.core import views

app_name = "core"

urlpatterns = [
    path("", views.DashboardView.as_view(), name="dashboard"),
    path("connection/", views.ConnectionView.as_view(), name="connection"),
]

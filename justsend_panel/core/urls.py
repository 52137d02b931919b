from django.urls import path

from justsend_panel.core import providers_views, views

app_name = "core"

urlpatterns = [
    path("", views.DashboardView.as_view(), name="dashboard"),
    path("connection/", views.ConnectionView.as_view(), name="connection"),
    path("providers/", providers_views.ProvidersView.as_view(), name="providers"),
    path("providers/<str:name>/settings/", providers_views.ProviderSettingView.as_view(),
         name="provider_setting"),
    path("providers/<str:name>/check/", providers_views.ProviderCheckView.as_view(),
         name="provider_check"),
]

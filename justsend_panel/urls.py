from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from campaigns.deliveries.urls import webhook_urlpatterns
from justsend_panel.core import views as core_views

urlpatterns = [
    path("", include("justsend_panel.core.urls")),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("campaigns/", include("campaigns.urls")),
    path("contacts/", include("contacts.urls")),
    path("billing/", include("billing.urls")),
    path("healthz", core_views.healthz, name="healthz"),
    path("favicon.ico", core_views.favicon, name="favicon"),
    path("admin/", admin.site.urls),
    path("deliveries/", include("campaigns.deliveries.urls")),
    *webhook_urlpatterns,
]

"""The panel's URLs plus a stand-in for the provider webhook route (the sending work adds
the real one), so the Providers page can be tested showing the URL to paste."""

from django.http import HttpResponse
from django.urls import path

from justsend_panel.urls import urlpatterns as panel_urlpatterns

urlpatterns = [
    path("webhooks/<str:provider>/<str:secret>/", lambda request, **kw: HttpResponse(),
         name="provider_webhook"),
    *panel_urlpatterns,
]

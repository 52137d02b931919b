from django.urls import path

from campaigns.media import views

app_name = "media"

urlpatterns = [
    path("", views.MediaListView.as_view(), name="media_list"),
    path("<int:pk>/delete/", views.MediaDeleteView.as_view(), name="media_delete"),
]

# Included at the project's root: short, as it goes into every MMS.
public_urlpatterns = [
    path("m/<str:token>/<str:filename>", views.media_public, name="media_public"),
]

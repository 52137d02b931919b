from django.urls import include, path

from contacts import views

app_name = "contacts"

urlpatterns = [
    path("", views.GroupListView.as_view(), name="group_list"),
    path("blacklist/", views.BlacklistView.as_view(), name="blacklist"),
    # CSV imports live in their own module: contacts/imports/.
    path("imports/", include("contacts.imports.urls")),
]

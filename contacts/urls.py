from django.urls import include, path

from contacts import views

app_name = "contacts"

urlpatterns = [
    path("", views.GroupListView.as_view(), name="group_list"),
    path("groups/new/", views.GroupCreateView.as_view(), name="group_create"),
    path("groups/<int:pk>/", views.GroupDetailView.as_view(), name="group_detail"),
    path("groups/<int:pk>/edit/", views.GroupUpdateView.as_view(), name="group_update"),
    path("groups/<int:pk>/delete/", views.GroupDeleteView.as_view(), name="group_delete"),
    path("groups/<int:pk>/sync/", views.GroupSyncPartialView.as_view(), name="group_sync"),
    path("groups/<int:pk>/retry/", views.GroupRetryView.as_view(), name="group_retry"),
    path("groups/<int:pk>/export.csv", views.GroupExportView.as_view(), name="group_export"),
    path("groups/<int:group_pk>/members/new/", views.MemberCreateView.as_view(), name="member_create"),
    path(
        "groups/<int:group_pk>/members/<int:pk>/edit/",
        views.MemberUpdateView.as_view(),
        name="member_update",
    ),
    path(
        "groups/<int:group_pk>/members/delete/", views.MembersDeleteView.as_view(),
        name="members_delete",
    ),
    path("blacklist/", views.BlacklistView.as_view(), name="blacklist"),
    path("blacklist/add/", views.BlacklistAddView.as_view(), name="blacklist_add"),
    path("blacklist/remove/", views.BlacklistRemoveView.as_view(), name="blacklist_remove"),
    path("blacklist/retry/", views.BlacklistRetryView.as_view(), name="blacklist_retry"),
    path("lookup/", views.LookupView.as_view(), name="lookup"),
    path("pull/", views.PullView.as_view(), name="pull"),
    path("pull/status/", views.PullStatusPartialView.as_view(), name="pull_status"),
    # CSV imports live in their own module: contacts/imports/.
    path("imports/", include("contacts.imports.urls")),
]

"""Included by contacts/urls.py at contacts/imports/, inside the ``contacts`` namespace."""

from django.urls import path

from contacts.imports import views

urlpatterns = [
    path("", views.ImportListView.as_view(), name="import_list"),
    path("new/", views.ImportStartView.as_view(), name="import_start"),
    path("<int:pk>/", views.ImportDetailView.as_view(), name="import_detail"),
    path(
        "<int:pk>/progress/", views.ImportDetailView.as_view(partial=True),
        name="import_progress",
    ),
    path("<int:pk>/mapping/", views.ImportMappingView.as_view(), name="import_mapping"),
    path("<int:pk>/invalid-rows.csv", views.ImportErrorsView.as_view(), name="import_errors"),
    path("<int:pk>/retry/", views.ImportRetryView.as_view(), name="import_retry"),
    path("<int:pk>/discard/", views.ImportDiscardView.as_view(), name="import_discard"),
]

from django.urls import path

from justsend_panel.core.users import views

app_name = "users"

urlpatterns = [
    path("", views.UserListView.as_view(), name="user_list"),
    path("new/", views.UserCreateView.as_view(), name="user_create"),
    path("<int:pk>/", views.UserDetailView.as_view(), name="user_detail"),
    path("<int:pk>/role/", views.UserRoleView.as_view(), name="user_role"),
    path("<int:pk>/deactivate/", views.UserDeactivateView.as_view(), name="user_deactivate"),
    path("<int:pk>/reactivate/", views.UserReactivateView.as_view(), name="user_reactivate"),
    path("<int:pk>/password-link/", views.UserPasswordResetView.as_view(),
         name="user_password_reset"),
    path("<int:pk>/unlock/", views.UserUnlockView.as_view(), name="user_unlock"),
]

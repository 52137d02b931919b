from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from campaigns.deliveries.urls import webhook_urlpatterns
from justsend_panel.core import views as core_views
from justsend_panel.core.users.mail import RESET_EMAIL, RESET_SUBJECT, PanelPasswordResetForm

# Password reset by e-mail (public: the views are login_not_required) and change (logged in).
password_urlpatterns = [
    path(
        "accounts/password-reset/",
        auth_views.PasswordResetView.as_view(
            form_class=PanelPasswordResetForm,
            template_name="users/password_reset_form.html",
            email_template_name=RESET_EMAIL,
            subject_template_name=RESET_SUBJECT,
        ),
        name="password_reset",
    ),
    path(
        "accounts/password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(template_name="users/password_reset_done.html"),
        name="password_reset_done",
    ),
    path(
        "accounts/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            template_name="users/password_reset_confirm.html"
        ),
        name="password_reset_confirm",
    ),
    path(
        "accounts/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(
            template_name="users/password_reset_complete.html"
        ),
        name="password_reset_complete",
    ),
    path(
        "accounts/password-change/",
        auth_views.PasswordChangeView.as_view(template_name="users/password_change_form.html"),
        name="password_change",
    ),
    path(
        "accounts/password-change/done/",
        auth_views.PasswordChangeDoneView.as_view(
            template_name="users/password_change_done.html"
        ),
        name="password_change_done",
    ),
]

urlpatterns = [
    path("", include("justsend_panel.core.urls")),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    *password_urlpatterns,
    path("users/", include("justsend_panel.core.users.urls")),
    path("campaigns/", include("campaigns.urls")),
    path("contacts/", include("contacts.urls")),
    path("billing/", include("billing.urls")),
    path("healthz", core_views.healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("deliveries/", include("campaigns.deliveries.urls")),
    *webhook_urlpatterns,
]

handler403 = "justsend_panel.core.views.permission_denied"

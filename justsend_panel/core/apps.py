from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "justsend_panel.core"
    label = "core"
    verbose_name = _("Panel")

    def ready(self) -> None:
        from axes.signals import user_locked_out
        from django.contrib.auth.signals import user_logged_in, user_login_failed

        from justsend_panel.core import login_events
        from justsend_panel.core.middleware import SessionIdleMiddleware
        from justsend_panel.core.roles import roles_sync_after_migrate

        post_migrate.connect(roles_sync_after_migrate, sender=self)
        user_logged_in.connect(login_events.login_audit, dispatch_uid="core.login_audit")
        user_logged_in.connect(
            SessionIdleMiddleware.touch_on_login, dispatch_uid="core.session_touch_on_login"
        )
        user_login_failed.connect(
            login_events.login_failed_audit, dispatch_uid="core.login_failed_audit"
        )
        user_locked_out.connect(login_events.locked_out_audit, dispatch_uid="core.locked_out_audit")

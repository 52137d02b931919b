import logging

from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import HttpRequest, HttpResponsePermanentRedirect, JsonResponse
from django.templatetags.static import static
from django.views.decorators.cache import never_cache
from django.shortcuts import render
from django.views.decorators.http import require_GET
from django.views.defaults import permission_denied as default_permission_denied
from django.views.generic import TemplateView

from campaigns.deliveries.selectors import postbacks_altered_count, postbacks_quarantined_count
from campaigns.statistics.selectors import dashboard_get
from campaigns.statistics.views import REFRESH_SECONDS
from justsend_panel.celery import app as celery_app
from justsend_panel.core.models import WorkerHeartbeat
from justsend_panel.core.permissions import AdminOnlyMixin, PanelPermissionMixin
from justsend_panel.core.provider import connection_settings_get
from justsend_panel.core.roles import administrators_to_ask, user_has_role
from justsend_panel.core.services import connection_check

logger = logging.getLogger(__name__)


class DashboardView(PanelPermissionMixin, TemplateView):
    template_name = "core/dashboard.html"

    def get_context_data(self, **kwargs):
        dashboard = dashboard_get()
        return super().get_context_data(
            dashboard=dashboard, week_chart=dashboard.week_chart(),
            refresh_seconds=REFRESH_SECONDS if dashboard.sending else None, **kwargs,
        )


def _check_database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any failure is the answer we report
        logger.warning("Health check: database unavailable: %s", type(exc).__name__)
        return "error"
    return "ok"


def _check_broker() -> str:
    try:
        with celery_app.connection_for_write() as broker:
            broker.ensure_connection(max_retries=1, timeout=3)
    except Exception as exc:  # any failure is the answer we report
        # The class name only: a broker URL may carry a password.
        logger.warning("Health check: broker unavailable: %s", type(exc).__name__)
        return "error"
    return "ok"


@login_not_required
@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Database and broker status for load balancers and docker-compose; no secrets."""
    checks = {"database": _check_database(), "broker": _check_broker()}
    healthy = all(value == "ok" for value in checks.values())
    body = {"status": "ok" if healthy else "error", **checks}
    if checks["database"] == "ok":
        # Informational: beat asks a worker for a heartbeat every minute.
        last = WorkerHeartbeat.objects.values_list("recorded_at", flat=True).first()
        body["worker_last_seen"] = last.isoformat() if last else None
    return JsonResponse(body, status=200 if healthy else 503)


class ConnectionView(AdminOnlyMixin, TemplateView):
    """Administrators: live or sandbox, the API URL, whether a key is set, and a check."""

    template_name = "core/connection.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        connection_settings = connection_settings_get()
        context["connection"] = connection_settings
        context["postbacks_quarantined"] = postbacks_quarantined_count()
        context["postbacks_altered"] = postbacks_altered_count()
        if connection_settings.webhook_path:
            context["webhook_url"] = self.request.build_absolute_uri(
                connection_settings.webhook_path
            )
        return context

    def post(self, request: HttpRequest, *args, **kwargs):
        context = self.get_context_data(check=connection_check(by=request.user))
        return self.render_to_response(context)


def permission_denied(request: HttpRequest, exception=None):
    """403: a logged-in user without a role gets one page that says whom to ask.

    Every panel page (and Django admin) refuses such a user, so this page links to none of
    them, only to logging out; everyone else gets the usual 403 page.
    """
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated and not user_has_role(user):
        return render(
            request,
            "core/no_role.html",
            {"administrators": administrators_to_ask()},
            status=403,
        )
    return default_permission_denied(request, exception)


@login_not_required
@require_GET
def favicon(request: HttpRequest) -> HttpResponsePermanentRedirect:
    """Browsers ask for /favicon.ico on pages that name no icon (and Django admin's error
    pages): the static one, wherever static files are served from."""
    return HttpResponsePermanentRedirect(static("favicon.ico"))

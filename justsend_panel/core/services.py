import os
import secrets
import socket
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from justsend_panel.audit.actions import Action
from justsend_panel.audit.services import audit_record
from justsend_panel.core.models import ProviderSetting, WorkerHeartbeat
from justsend_panel.core.provider import provider_backend, provider_for
from justsend_panel.core.queueing import task_enqueue
from justsend_panel.core.roles import ADMINISTRATORS
from justsend_panel.sms.exceptions import SmsError
from justsend_panel.sms.registry import backend_class, vocabulary

JS = vocabulary("justsend")
AccountSummary = JS.AccountSummary

HEARTBEAT_TASK = "core.heartbeat_record"


@transaction.atomic
def first_admin_ensure(*, username: str | None, password: str | None) -> tuple[str, str | None]:
    """Create the first administrator when there is none.

    Returns the username and, only when this call made up the password, that password,
    so that the caller can show it once.
    """
    User = get_user_model()
    existing = User.objects.filter(is_superuser=True).order_by("pk").first()
    if existing is not None:
        return existing.get_username(), None
    username = username or "admin"
    generated = None
    if not password:
        password = generated = secrets.token_urlsafe(12)
    user = User.objects.create_superuser(username=username, password=password, email="")
    user.groups.add(Group.objects.get(name=ADMINISTRATORS))
    return username, generated


def heartbeat_request(*, source: str) -> None:
    """Ask a worker for a heartbeat row once the current transaction commits."""
    task_enqueue(HEARTBEAT_TASK, kwargs={"source": source,
                                         "requested_at": timezone.now().isoformat()})


def heartbeat_record(
    *, source: str, hostname: str, requested_at: datetime | None = None
) -> WorkerHeartbeat:
    now = timezone.now()
    heartbeat = WorkerHeartbeat.objects.create(
        source=source,
        hostname=hostname or socket.gethostname(),
        pid=os.getpid(),
        requested_at=requested_at or now,
    )
    # One row per minute from beat: keep a day of them.
    WorkerHeartbeat.objects.filter(recorded_at__lt=now - timedelta(days=1)).delete()
    return heartbeat


@dataclass(frozen=True)
class ConnectionCheck:
    ok: bool
    elapsed_ms: int
    summary: AccountSummary | None = None
    error: str | None = None


def connection_check(*, by=None) -> ConnectionCheck:
    """Call the account summary once and report what came back, or why nothing did.
    ``by``: the user who asked (recorded in the activity log with the outcome)."""
    started = time.monotonic()
    try:
        with provider_for("balance").client() as client:
            summary = client.get_account_summary()
    except SmsError as exc:
        elapsed = int((time.monotonic() - started) * 1000)
        check = ConnectionCheck(ok=False, elapsed_ms=elapsed, error=exc.message)
    else:
        check = ConnectionCheck(
            ok=True, elapsed_ms=int((time.monotonic() - started) * 1000), summary=summary
        )
    audit_record(
        action=Action.CONNECTION_CHECKED, actor=by,
        summary=gettext_noop("Answered in %(ms)s ms") if check.ok
        else gettext_noop("Failed after %(ms)s ms: %(error)s"),
        summary_params={"ms": check.elapsed_ms, "error": check.error or ""},
    )
    return check


# --- providers --------------------------------------------------------------------------


def provider_setting_update(
    *,
    provider: str,
    default_sender: str,
    price_per_segment: Decimal | None,
    currency: str,
    rate_limit: float | None,
    from_numbers: list[str] | None = None,
    vibername_id: int | None = None,
    by=None,
) -> ProviderSetting:
    """An administrator's choices for ``provider`` (the Providers page, Django admin).
    ``from_numbers`` (E.164, checked by the form): ``None`` keeps the saved list."""
    label = backend_class(provider).label or provider  # an unknown provider: SmsUnsupported
    if rate_limit is not None and rate_limit <= 0:
        raise ValueError("rate_limit must be positive")
    defaults = {
        "default_sender": default_sender,
        "price_per_segment": price_per_segment,
        "currency": currency,
        "rate_limit": rate_limit,
    }
    if from_numbers is not None:
        defaults["from_numbers"] = list(from_numbers)
    with transaction.atomic():
        before = ProviderSetting.objects.filter(provider=provider).values_list(
            "from_numbers", flat=True).first()
        setting, _created = ProviderSetting.objects.update_or_create(
            provider=provider, defaults={**defaults, "vibername_id": vibername_id})
        if from_numbers is not None and list(from_numbers) != (before or []):
            audit_record(
                action=Action.SETTINGS_PROVIDER, actor=by, obj=setting, object_label=label,
                summary=gettext_noop("From numbers: %(numbers)s"),
                summary_params={"numbers": ", ".join(from_numbers) or "—"},
            )
        audit_record(
            action=Action.SETTINGS_PROVIDER, actor=by, obj=setting, object_label=label,
            summary=gettext_noop(
                "Sender %(sender)s, price per segment %(price)s %(currency)s,"
                " %(rate)s requests per second"
            ),
            summary_params={
                "sender": default_sender or "—",
                "price": "—" if price_per_segment is None else str(price_per_segment),
                "currency": currency,
                "rate": "—" if rate_limit is None else f"{rate_limit:g}",
            },
        )
    return setting


@dataclass(frozen=True)
class ProviderCheck:
    provider: str
    ok: bool
    elapsed_ms: int
    detail: str = ""
    error: str | None = None


def provider_check(*, provider: str, by=None) -> ProviderCheck:
    """The provider's cheapest authenticated call (``Backend.check``): what it answered,
    or why it did not (a provider that is off says so). Recorded in the activity log."""
    label = backend_class(provider).label or provider
    started = time.monotonic()
    try:
        with provider_backend(provider) as backend:
            detail = backend.check()
    except SmsError as exc:
        check = ProviderCheck(provider=provider, ok=False, error=exc.message,
                              elapsed_ms=int((time.monotonic() - started) * 1000))
    else:
        check = ProviderCheck(provider=provider, ok=True, detail=detail,
                              elapsed_ms=int((time.monotonic() - started) * 1000))
    audit_record(
        action=Action.CONNECTION_CHECKED, actor=by,
        object_type="provider", object_id=provider, object_label=label,
        summary=gettext_noop("Answered in %(ms)s ms") if check.ok
        else gettext_noop("Failed after %(ms)s ms: %(error)s"),
        summary_params={"ms": check.elapsed_ms, "error": check.error or ""},
    )
    return check

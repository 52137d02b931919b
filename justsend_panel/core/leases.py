"""Leases: who is working on a row, until when.

Background work that must run exactly once (a submit, a cancel, an import batch, a push,
a pull) is claimed by taking the row's lease: one conditional UPDATE, which the database
runs under the row lock, so of two workers (or two recoveries) at most one gets it. The
holder renews the lease while it works (``lease_kept`` does that from a thread); a worker
that dies stops renewing, the lease expires after ``LEASE_SECONDS`` and the sweep that
owns the work hands it to another worker. Nothing is judged by "updated long ago".
"""

from __future__ import annotations

import logging
import secrets
import socket
import threading
from contextlib import contextmanager
from datetime import datetime, timedelta

from django.conf import settings
from django.db import close_old_connections, connection, models
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger(__name__)


class LeasedModel(models.Model):
    """The two columns of a lease; add to a model whose rows are claimed by workers."""

    lease_token = models.CharField(_("lease holder"), max_length=80, blank=True, default="",
                                   editable=False)
    lease_expires_at = models.DateTimeField(_("lease expires at"), null=True, blank=True,
                                            editable=False)

    class Meta:
        abstract = True


def lease_seconds() -> float:
    return float(getattr(settings, "LEASE_SECONDS", 60))


def lease_token_new() -> str:
    """A token that also says who holds the lease (host and process), for the admin."""
    return f"{socket.gethostname()[:40]}:{threading.get_native_id()}:{secrets.token_hex(8)}"


def lease_free_q(now: datetime | None = None) -> Q:
    """Rows nobody holds: never leased, released, or whose holder stopped renewing."""
    now = now or timezone.now()
    return Q(lease_expires_at__isnull=True) | Q(lease_expires_at__lt=now)


def lease_expired_q(now: datetime | None = None) -> Q:
    """Rows whose holder stopped renewing (a dead worker): what a sweep takes over."""
    return Q(lease_expires_at__lt=now or timezone.now())


def lease_claim(queryset: QuerySet, *, pk, seconds: float | None = None, **fields) -> str | None:
    """Take the lease of row ``pk`` in ``queryset`` if nobody holds it; set ``fields`` with it.

    ``queryset`` carries the conditions under which the work may be claimed (a status, for
    example); the UPDATE checks them and the lease together. Returns the token, or None
    when the row is held by someone else or no longer matches.
    """
    token = lease_token_new()
    now = timezone.now()
    claimed = queryset.filter(lease_free_q(now), pk=pk).update(
        lease_token=token,
        lease_expires_at=now + timedelta(seconds=seconds or lease_seconds()),
        **fields,
    )
    return token if claimed else None


def lease_renew(model: type[models.Model], *, pk, token: str,
                seconds: float | None = None) -> bool:
    """Push the expiry on; False when the lease is no longer ours (taken over, released)."""
    return bool(model._default_manager.filter(pk=pk, lease_token=token).update(
        lease_expires_at=timezone.now() + timedelta(seconds=seconds or lease_seconds())
    ))


def lease_release(model: type[models.Model], *, pk, token: str, **fields) -> bool:
    """Give the lease up (work done or handed on), setting ``fields`` in the same UPDATE."""
    return bool(model._default_manager.filter(pk=pk, lease_token=token).update(
        lease_token="", lease_expires_at=None, **fields
    ))


class _Keeper:
    def __init__(self, model, pk, token: str, seconds: float):
        self.model, self.pk, self.token, self.seconds = model, pk, token, seconds
        self.lost = threading.Event()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"lease-{model.__name__}-{pk}",
                                        daemon=True)

    def _run(self) -> None:
        try:
            while not self._stop.wait(self.seconds / 3):
                try:
                    if not lease_renew(self.model, pk=self.pk, token=self.token,
                                       seconds=self.seconds):
                        logger.warning("Lease of %s %s was taken over", self.model.__name__,
                                       self.pk)
                        self.lost.set()
                        return
                except Exception:  # noqa: BLE001 - a failed renewal is retried next round
                    logger.warning("Could not renew the lease of %s %s",
                                   self.model.__name__, self.pk, exc_info=True)
                    close_old_connections()
        finally:
            connection.close()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=self.seconds)


@contextmanager
def lease_kept(model: type[models.Model], *, pk, token: str, seconds: float | None = None):
    """Renew the lease from a thread while the block runs (an HTTP call, a long write).

    Yields the keeper; ``keeper.lost.is_set()`` tells the block that another worker took
    the work over (the block should then stop before writing its result).
    """
    keeper = _Keeper(model, pk, token, seconds or lease_seconds())
    keeper._thread.start()
    try:
        yield keeper
    finally:
        keeper.stop()

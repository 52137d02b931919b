"""Writing the activity log: one entry per action, from the action's own service."""

from __future__ import annotations

import ipaddress

from django.apps import apps
from django.db import models
from django.utils import translation
from django.utils.functional import Promise

from justsend_panel.audit.actions import Action
from justsend_panel.audit.middleware import current_request
from justsend_panel.audit.models import AuditEntry, AutomaticActor

OBJECT_LABEL_MAX = AuditEntry._meta.get_field("object_label").max_length
SUMMARY_MAX = AuditEntry._meta.get_field("summary").max_length


def request_ip_get(request) -> str | None:
    """The client's IP as django-axes sees it (its configured proxy header honoured) when
    axes is installed, else the socket's address; None when it is not an IP at all."""
    ip = getattr(request, "axes_ip_address", None)
    if not ip and apps.is_installed("axes"):
        from axes.helpers import get_client_ip_address

        ip = get_client_ip_address(request)
    if not ip:
        ip = request.META.get("REMOTE_ADDR")
    try:
        return str(ipaddress.ip_address(ip)) if ip else None
    except ValueError:
        return None


def _english(text) -> str:
    """A lazily translated text as its English msgid, so the entry can be shown in any
    language later (see AuditEntry.summary_text)."""
    if isinstance(text, Promise):
        with translation.override(None):
            return str(text)
    return str(text)


def audit_record(
    *,
    action: str,
    actor=None,
    actor_label: str = "",
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    object_label: str = "",
    summary: str = "",
    summary_params: dict | None = None,
    request=None,
    ip: str | None = None,
) -> AuditEntry:
    """Append one entry. actor: a User, or None with actor_label one of
    audit.models.SYSTEM / POSTBACK / BEAT. obj: a model instance (type, id and label are
    taken from it) or give object_* yourself. request: the HttpRequest when there is one
    (the IP is taken from it, as django-axes reads it); without one, the request being
    served (AuditRequestMiddleware), if any. summary: English text, best a
    ``gettext_noop``/``gettext_lazy`` msgid with ``%(name)s`` placeholders filled from
    summary_params when shown, so it reads in the reader's language (a lazily translated
    value is translated when shown too). Call it inside the
    action's transaction, at the end of the service function — never from a view."""
    action = Action(action)
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None  # an AnonymousUser, e.g. a failed login
    if actor is None and not actor_label:
        actor_label = AutomaticActor.SYSTEM
    if actor_label:
        actor_label = AutomaticActor(actor_label)
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        object_label = object_label or str(obj)
    if request is None:
        request = current_request.get()
    if ip is None and request is not None:
        ip = request_ip_get(request)
    return AuditEntry.objects.create(
        action=action,
        actor=actor,
        actor_label=actor_label if actor is None else "",
        object_type=object_type,
        object_id=str(object_id),
        object_label=_english(object_label)[:OBJECT_LABEL_MAX],
        summary=_english(summary)[:SUMMARY_MAX],
        summary_params={
            name: {"msgid": _english(value)} if isinstance(value, Promise) else value
            for name, value in (summary_params or {}).items()
        },
        ip=ip or None,
    )

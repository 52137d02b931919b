"""The Justsend webhook, the replies list and Justsend's keyword responses."""

from __future__ import annotations

import logging
from datetime import datetime, time

from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpResponse, HttpResponseForbidden, HttpResponseNotFound
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from django.views.generic import TemplateView
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin
from django_tables2.data import TableListData

from billing.tables import RemotePage
from campaigns.deliveries.filters import KeywordResponseFilter, ReplyFilter
from campaigns.deliveries.models import Reply
from campaigns.deliveries.selectors import KeywordQuery, keyword_responses_page_get
from campaigns.deliveries.tables import KeywordResponseTable, ReplyTable
from campaigns.deliveries.services.statuses import (
    provider_callback_subject,
    provider_notification_receive,
    provider_webhook_allowed,
)
from campaigns.deliveries.tokens import callback_token_public
from campaigns.deliveries.webhook import webhook_receive
from justsend_panel.core.paging import page_number
from justsend_panel.core.permissions import USE_PANEL, PanelPermissionMixin
from justsend_panel.sms.exceptions import SmsError, SmsUnsupported
from justsend_panel.sms.registry import vocabulary

JS = vocabulary("justsend")
PlatformType = JS.PlatformType

logger = logging.getLogger(__name__)

VIEW_REPLIES = (USE_PANEL, "campaigns.view_reply")
KEYWORD_PAGE_SIZE = 25


@csrf_exempt
@login_not_required
@require_POST
def justsend_webhook(request, secret: str, kind: str | None = None):
    """Justsend's postbacks, for the test client and runserver; under gunicorn
    ``justsend_panel.wsgi`` answers them before Django. Both call :func:`webhook_receive`."""
    answer = webhook_receive(secret=secret, kind=kind, body=request.body)
    if answer.status == 404:
        raise Http404
    response = HttpResponse(answer.content, status=answer.status)
    for name, value in answer.headers:
        response[name] = value
    return response


@csrf_exempt
@login_not_required
@require_POST
def provider_webhook(request, provider: str, secret: str):
    """``/webhooks/<provider>/<secret>/``: a provider's status notification, stored as
    received (200) and applied by a worker. An unknown provider, one without delivery
    webhooks or without a configured secret, or a wrong secret (compared in constant time)
    is a 404 with a log line that never holds the secret."""
    if not provider_webhook_allowed(provider=provider, secret=secret):
        logger.warning("Webhook refused: provider %r unknown, without webhooks, or a wrong "
                       "secret", provider[:40])
        refused = HttpResponseNotFound()
        # The line above says it; django.request's "Not Found: <path>" would log the path,
        # which holds what was tried as the secret (log_response skips a logged response).
        refused._has_been_logged = True
        return refused
    headers = {name: value for name, value in request.headers.items()}
    provider_notification_receive(provider=provider, body=request.body, headers=headers)
    return HttpResponse(status=200)


@csrf_exempt
@login_not_required
@require_POST
def provider_webhook_token(request, provider: str, secret: str, token: str):
    """``/webhooks/<provider>/<secret>/<token>/``: the status callback of one message of a
    provider that takes a callback URL per message (JustCall). The secret as on
    :func:`provider_webhook` (404); then the token must be one the panel signed for a
    recipient or single message of this provider that exists: otherwise 403, logged with
    the token's ``<kind><pk>`` only, and nothing is stored."""
    if not provider_webhook_allowed(provider=provider, secret=secret, per_message=True):
        logger.warning("Webhook refused: provider %r unknown, without per-message callbacks, "
                       "or a wrong secret", provider[:40])
        refused = HttpResponseNotFound()
        refused._has_been_logged = True  # django.request would log the path (the secret)
        return refused
    subject = provider_callback_subject(provider=provider, token=token)
    if subject is None:
        logger.warning("%s callback refused: unknown or forged token for %r", provider,
                       callback_token_public(token))
        refused = HttpResponseForbidden()
        refused._has_been_logged = True
        return refused
    headers = {name: value for name, value in request.headers.items()}
    provider_notification_receive(provider=provider, body=request.body, headers=headers,
                                  reference=subject.reference)
    return HttpResponse(status=200)


class ReplyListView(PanelPermissionMixin, SingleTableMixin, FilterView):
    permission_required = VIEW_REPLIES
    table_class = ReplyTable
    filterset_class = ReplyFilter
    template_name = "campaigns/deliveries/reply_list.html"
    paginate_by = 50

    def get_queryset(self):
        return Reply.objects.select_related("campaign").only(
            "received_at", "msisdn", "message", "is_stop", "blacklist_entry_id",
            "campaign__id", "campaign__name",
        )


class KeywordResponseListView(PanelPermissionMixin, SingleTableMixin, TemplateView):
    """``GET /overview/keyword-response``: one Justsend page per table page."""

    permission_required = VIEW_REPLIES
    table_class = KeywordResponseTable
    template_name = "campaigns/deliveries/keyword_responses.html"

    def get(self, request, *args, **kwargs):
        data = request.GET.copy()
        data.setdefault("platform_type", PlatformType.PL.value)
        self.filter = KeywordResponseFilter(data, queryset=Reply.objects.none())
        self.rows = []
        self.error = None
        if self.filter.form.is_valid():
            try:
                page = keyword_responses_page_get(
                    query=_keyword_query(self.filter.form.cleaned_data),
                    page=page_number(request) - 1, size=KEYWORD_PAGE_SIZE,
                )
            except SmsUnsupported as error:
                self.error = error.message  # no provider keeps them: nobody was asked
            except SmsError as error:
                logger.warning("Keyword responses not read: %s", error)
                self.error = _("Justsend did not answer: %(error)s") % {"error": error.message}
            else:
                self.rows = RemotePage(page, per_page=KEYWORD_PAGE_SIZE)
        return super().get(request, *args, **kwargs)

    def get_table_data(self):
        return TableListData(self.rows)

    def get_table_pagination(self, table):
        return {"per_page": KEYWORD_PAGE_SIZE}

    def get_context_data(self, **kwargs):
        return super().get_context_data(filter=self.filter, error=self.error, **kwargs)


def _keyword_query(cleaned: dict) -> KeywordQuery:
    def moment(day, at: time) -> datetime | None:
        return timezone.make_aware(datetime.combine(day, at)) if day else None

    return KeywordQuery(
        keyword=cleaned.get("keyword") or "",
        msisdn=cleaned.get("msisdn") or "",
        email=cleaned.get("email") or "",
        response_message=cleaned.get("response_message") or "",
        start=moment(cleaned.get("date_from"), time.min),
        end=moment(cleaned.get("date_to"), time.max),
        platform_type=PlatformType(cleaned.get("platform_type") or PlatformType.PL),
    )

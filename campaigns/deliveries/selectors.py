"""Reads of delivery tracking: replies per number, quarantined postbacks, Justsend's
keyword responses."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import QuerySet

from campaigns.deliveries.models import Postback, Reply
from campaigns.deliveries.services.replies import msisdn_digits
from justsend_panel.core.provider import provider_for
from justsend_panel.sms.registry import vocabulary
from justsend_panel.sms.types import Page

JS = vocabulary("justsend")
KeywordResponse = JS.KeywordResponse
PlatformType = JS.PlatformType


def replies_for_number(*, msisdn: str) -> QuerySet[Reply]:
    """Every reply from the number, newest first, with the campaign it answered."""
    return Reply.objects.filter(msisdn=msisdn_digits(msisdn)).select_related("campaign")


def postbacks_quarantined_count() -> int:
    """Postbacks whose apply failed, waiting for an administrator (the state's index)."""
    return Postback.objects.filter(state=Postback.State.FAILED).count()


def postbacks_altered_count() -> int:
    """Postbacks whose text no database stores (a lone surrogate, a NUL) was replaced by
    U+FFFD on receipt, the raw bytes kept: applied as repaired, held up for review."""
    return Postback.objects.filter(raw_body__isnull=False).count()


@dataclass(frozen=True)
class KeywordQuery:
    keyword: str = ""
    msisdn: str = ""
    email: str = ""
    response_message: str = ""
    start: datetime | None = None
    end: datetime | None = None
    platform_type: PlatformType = PlatformType.PL


def keyword_responses_page_get(*, query: KeywordQuery, page: int, size: int) -> Page[KeywordResponse]:
    """One page of ``GET /overview/keyword-response``, in Justsend's order (raises ``SmsError``).

    No ``sortField``: the manual names no date among a keyword response's fields (8.4 lists
    userId, keyword, msisdn, email, responseMessage), and any other field is refused.
    """
    with provider_for("statistics").client() as client:
        return client.list_keyword_responses(
            platform_type=query.platform_type,
            keyword=query.keyword or None,
            msisdn=query.msisdn or None,
            email=query.email or None,
            response_message=query.response_message or None,
            from_date=query.start,
            to_date=query.end,
            page=page,
            size=size,
        )

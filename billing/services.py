"""Billing writes: account snapshots, the low-balance threshold, Mail2SMS settings, file links."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from billing.models import AccountSnapshot, BillingSettings, UploadedFileLink
from billing.readings import Reading, cache_key, cached_read, cached_read_forget, justsend_call
from billing.selectors import (
    AUTH_CODES_KEY,
    BILLING_SETTINGS_PK,
    WHITELIST_KEY,
    low_balance_status_forget,
)
from justsend_panel.audit.actions import Action
from justsend_panel.audit.services import audit_record
from justsend_panel.core.exceptions import ApplicationError
from justsend_panel.core.provider import provider_offers
from justsend_panel.sms.registry import vocabulary

JS = vocabulary("justsend")
rules = JS.rules
JustsendClient = JS.JustsendClient
AuthCode = JS.AuthCode
BulkVariant = JS.BulkVariant
Country = JS.Country
VoiceConfig = JS.VoiceConfig

logger = logging.getLogger(__name__)

ACCOUNT_KEY = "account"


@dataclass(frozen=True)
class AccountFigures:
    """Balance, promo points and prices, from Justsend or from the last snapshot."""

    account_balance: Decimal
    promo_points: Decimal
    prices: dict[str, Decimal | None] = field(default_factory=dict)
    variants: list[str] = field(default_factory=list)

    @property
    def available_points(self) -> Decimal:
        return self.account_balance + self.promo_points

    @classmethod
    def from_snapshot(cls, snapshot: AccountSnapshot) -> AccountFigures:
        return cls(
            account_balance=snapshot.account_balance,
            promo_points=snapshot.promo_points,
            prices={k: Decimal(v) if v is not None else None for k, v in snapshot.prices.items()},
            variants=list(snapshot.variants),
        )


def _account_figures_fetch(client: JustsendClient) -> AccountFigures:
    summary = client.get_account_summary()
    if summary.account_balance is None:
        raise ApplicationError(_("Justsend's account summary has no balance in it."))
    pricing = client.get_pricing_config()
    return AccountFigures(
        account_balance=summary.account_balance,
        promo_points=summary.promo_points or Decimal("0"),
        prices={str(price.bulk_variant): price.price_in_points for price in summary.prices},
        variants=[str(variant) for variant in pricing.variants],
    )


def account_snapshot_record(
    *, figures: AccountFigures, source: AccountSnapshot.Source
) -> AccountSnapshot:
    now = timezone.now()
    snapshot = AccountSnapshot.objects.create(
        taken_at=now,
        account_balance=figures.account_balance,
        promo_points=figures.promo_points,
        prices={k: str(v) if v is not None else None for k, v in figures.prices.items()},
        variants=figures.variants,
        source=source,
    )
    retention = timedelta(days=settings.BILLING_SNAPSHOT_RETENTION_DAYS)
    AccountSnapshot.objects.filter(taken_at__lt=now - retention).delete()
    _low_balance_status_changed()
    return snapshot


def _low_balance_status_changed() -> None:
    # Now, for this request's own next page, and again once committed, in case another
    # request cached the old status in between.
    low_balance_status_forget()
    transaction.on_commit(low_balance_status_forget)


def account_snapshot_take(*, source: AccountSnapshot.Source) -> AccountSnapshot | None:
    """Ask Justsend now and record the answer; provider errors reach the caller (the task).
    No provider reports a balance: nothing to record (beat keeps asking, quietly)."""
    if not provider_offers("balance"):
        return None
    figures = justsend_call(_account_figures_fetch, capability="balance")
    return account_snapshot_record(figures=figures, source=source)


def account_reading_get(*, force: bool = False) -> Reading[AccountFigures]:
    """The account as the pages show it.

    Cached briefly; a fetch that works is also recorded as a snapshot (this is why it is a
    service). When Justsend fails and nothing is cached, the newest snapshot stands in,
    with its age and the error.
    """
    source = AccountSnapshot.Source.REFRESH if force else AccountSnapshot.Source.PAGE

    def fetch(client: JustsendClient) -> AccountFigures:
        figures = _account_figures_fetch(client)
        account_snapshot_record(figures=figures, source=source)
        return figures

    reading = cached_read(cache_key(ACCOUNT_KEY), fetch, capability="balance", force=force)
    if reading.value is None:
        snapshot = AccountSnapshot.objects.order_by("-taken_at").first()
        if snapshot is not None:
            return Reading(
                value=AccountFigures.from_snapshot(snapshot),
                fetched_at=snapshot.taken_at,
                error=reading.error,
                error_at=reading.error_at,
            )
    return reading


@transaction.atomic
def low_balance_threshold_set(*, threshold: Decimal | None, user) -> BillingSettings:
    billing_settings, _created = BillingSettings.objects.update_or_create(
        pk=BILLING_SETTINGS_PK,
        defaults={"low_balance_threshold": threshold, "updated_by": user},
    )
    audit_record(
        action=Action.SETTINGS_LOW_BALANCE, actor=user,
        summary=gettext_noop("Set to %(threshold)s points") if threshold is not None
        else gettext_noop("Turned off"),
        summary_params={"threshold": str(threshold)},
    )
    _low_balance_status_changed()
    logger.info("Billing: %s set the low-balance threshold to %s", user, threshold)
    return billing_settings


# --- Mail2SMS ---------------------------------------------------------------------------


@dataclass(frozen=True)
class AuthCodeSettings:
    """What an authorisation code holds: the variant, the sender, and its variant's extras."""

    bulk_variant: BulkVariant
    sender_override: str
    country: Country | None = None
    voice_config: VoiceConfig | None = None

    def check(self) -> None:
        """The manual's sender rule for the variant (a FULL code only under a heading)."""
        problems = rules.mail2sms_sender_errors(self.bulk_variant, self.sender_override)
        if problems:
            raise ApplicationError(problems[0])

    def client_kwargs(self) -> dict:
        return {
            "bulk_variant": self.bulk_variant,
            "sender_override": self.sender_override,
            "country": self.country,
            "voice_config": self.voice_config,
        }


def auth_code_create(*, code_settings: AuthCodeSettings, user=None) -> AuthCode:
    code_settings.check()
    code = justsend_call(lambda client: client.create_auth_code(**code_settings.client_kwargs()),
                         capability="email_to_sms")
    cached_read_forget(cache_key(AUTH_CODES_KEY))
    _mail2sms_record(user, gettext_noop("Authorisation code %(id)s created (%(variant)s)"),
                     id=code.id, variant=code_settings.bulk_variant.value)
    logger.info("Mail2SMS: %s created auth code %s (%s)", user, code.id, code_settings.bulk_variant)
    return code


def auth_code_update(
    *, auth_code_id: str, code_settings: AuthCodeSettings, user=None
) -> AuthCode:
    code_settings.check()
    code = justsend_call(
        lambda client: client.update_auth_code(
            auth_code_id=auth_code_id, **code_settings.client_kwargs()
        ),
        capability="email_to_sms",
    )
    cached_read_forget(cache_key(AUTH_CODES_KEY))
    _mail2sms_record(user, gettext_noop("Authorisation code %(id)s changed (%(variant)s)"),
                     id=auth_code_id, variant=code_settings.bulk_variant.value)
    logger.info("Mail2SMS: %s updated auth code %s", user, auth_code_id)
    return code


def auth_code_delete(*, auth_code_id: str, user=None) -> None:
    justsend_call(lambda client: client.delete_auth_code(auth_code_id=auth_code_id),
                  capability="email_to_sms")
    cached_read_forget(cache_key(AUTH_CODES_KEY))
    _mail2sms_record(user, gettext_noop("Authorisation code %(id)s deleted"), id=auth_code_id)
    logger.info("Mail2SMS: %s deleted auth code %s", user, auth_code_id)


def whitelist_entry_delete(*, entry_id: str, user=None) -> None:
    justsend_call(lambda client: client.delete_whitelist_entry(entry_id=entry_id),
                  capability="email_to_sms")
    cached_read_forget(cache_key(WHITELIST_KEY))
    _mail2sms_record(user, gettext_noop("Whitelist entry %(id)s removed"), id=entry_id)
    logger.info("Mail2SMS: %s removed whitelist entry %s", user, entry_id)


def _mail2sms_record(user, summary: str, **params) -> None:
    """Mail2SMS lives in Justsend alone: the entry is written once Justsend has said yes."""
    audit_record(action=Action.SETTINGS_MAIL2SMS, actor=user, summary=summary,
                 summary_params={name: str(value) for name, value in params.items()})


# --- uploaded files ---------------------------------------------------------------------


def uploaded_file_link_record(
    *, file_name: str, campaign_id: int | None, campaign_name: str = "", batch_id: str = ""
) -> UploadedFileLink:
    """Called by the campaign launch after ``upload_bulk``: which campaign sent this file."""
    return UploadedFileLink.objects.create(
        file_name=file_name,
        batch_id=batch_id or "",
        campaign_id=campaign_id,
        campaign_name=campaign_name,
    )

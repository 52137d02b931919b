"""What a campaign will cost in points, against what the account holds."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from billing.models import AccountSnapshot
from billing.selectors import billing_settings_get
from billing.services import AccountFigures, account_snapshot_take
from campaigns.exceptions import CampaignError
from campaigns.models import Campaign
from campaigns.services.audience import AudienceSummary, audience_summary
from justsend_panel.core.exceptions import ApplicationError
from justsend_panel.sms.exceptions import SmsError
from justsend_panel.sms.retrying import call_retrying


@dataclass(frozen=True)
class CostEstimate:
    recipients: int
    total_segments: int  # billed units: SMS parts, or calls for VOICE
    segments_per_message: float
    price_per_message: Decimal | None  # points per part (per call for VOICE)
    total_cost: Decimal | None
    balance: Decimal
    promo_points: Decimal
    # Billing's low-balance threshold: a launch that goes under it is warned about.
    threshold: Decimal | None = None

    @property
    def available(self) -> Decimal:
        return self.balance + self.promo_points

    @property
    def price_known(self) -> bool:
        return self.price_per_message is not None

    @property
    def sufficient(self) -> bool:
        return self.total_cost is not None and self.total_cost <= self.available

    @property
    def leaves_under_threshold(self) -> bool:
        return (
            self.total_cost is not None
            and self.threshold is not None
            and self.available - self.total_cost < self.threshold
        )

    @property
    def available_after(self) -> Decimal | None:
        """Balance and promo points left once the campaign is paid for."""
        return None if self.total_cost is None else self.available - self.total_cost

    @property
    def shortfall(self) -> Decimal:
        if self.total_cost is None:
            return Decimal(0)
        return max(Decimal(0), self.total_cost - self.available)


def campaign_cost(*, campaign: Campaign, summary: AudienceSummary | None = None) -> CostEstimate:
    """Price × billed parts from the account's pricing, and the current balance.

    Raises :class:`CampaignError` when Justsend cannot be asked (transient errors retried
    within ``JUSTSEND_READ_RETRY_SECONDS``).
    """
    summary = summary or audience_summary(campaign=campaign)
    try:
        # Billing's own fetch: it also records a snapshot, so the balance chart and the
        # low-balance banner see what the launch saw.
        # A transient error (a 429, a 5xx) is retried for a few seconds before the user
        # is told: one of them must not refuse a launch.
        snapshot = call_retrying(
            lambda: account_snapshot_take(source=AccountSnapshot.Source.PAGE))
    except (SmsError, ApplicationError) as error:
        raise CampaignError(
            _("Could not read the prices and the balance from Justsend: %(error)s")
            % {"error": error.message}
        ) from error
    account = AccountFigures.from_snapshot(snapshot)
    price = account.prices.get(campaign.variant)
    return CostEstimate(
        recipients=summary.recipients,
        total_segments=summary.total_segments,
        segments_per_message=summary.segments_per_message,
        price_per_message=price,
        total_cost=price * summary.total_segments if price is not None else None,
        balance=account.account_balance,
        promo_points=account.promo_points,
        threshold=billing_settings_get().low_balance_threshold,
    )

"""What a campaign will cost, against what the account holds.

Justsend: points per part from the account's pricing (per variant) against its balance
and promo points. Any other provider: segments x the price per segment set on the
Providers page (``ProviderSetting``), in its currency, against the provider's balance
only where the provider has one (``capabilities.balance``).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from billing.models import AccountSnapshot
from billing.selectors import billing_settings_get
from billing.services import AccountFigures, account_snapshot_take
from campaigns.exceptions import CampaignError, InsufficientBalance
from campaigns.models import Campaign
from campaigns.provider_options import (
    DEFAULT_PROVIDER,
    provider_capabilities,
    provider_label,
    provider_setting_get,
)
from campaigns.services.audience import AudienceSummary, audience_summary
from justsend_panel.core.provider import provider_backend
from justsend_panel.core.exceptions import ApplicationError
from justsend_panel.core.formatting import money
from justsend_panel.sms.exceptions import SmsError
from justsend_panel.sms.retrying import call_retrying


@dataclass(frozen=True)
class CostEstimate:
    recipients: int
    total_segments: int  # billed units: SMS parts, or calls for VOICE
    segments_per_message: float
    price_per_message: Decimal | None  # points per part (per call for VOICE)
    total_cost: Decimal | None
    balance: Decimal | None  # None: the provider keeps no balance the panel can read
    promo_points: Decimal
    # Billing's low-balance threshold: a launch that goes under it is warned about.
    threshold: Decimal | None = None
    provider: str = DEFAULT_PROVIDER
    # None: Justsend points; else the currency of the price (and of the balance).
    currency: str | None = None

    @property
    def in_points(self) -> bool:
        return self.currency is None

    @property
    def balance_known(self) -> bool:
        return self.balance is not None

    @property
    def available(self) -> Decimal | None:
        return None if self.balance is None else self.balance + self.promo_points

    @property
    def price_known(self) -> bool:
        return self.price_per_message is not None

    @property
    def sufficient(self) -> bool:
        return (self.total_cost is not None and self.available is not None
                and self.total_cost <= self.available)

    @property
    def insufficient(self) -> bool:
        """Known to be more than the account holds (a price and a balance are both known)."""
        return (self.total_cost is not None and self.available is not None
                and self.total_cost > self.available)

    @property
    def leaves_under_threshold(self) -> bool:
        return (
            self.total_cost is not None
            and self.threshold is not None
            and self.available is not None
            and self.available - self.total_cost < self.threshold
        )

    @property
    def available_after(self) -> Decimal | None:
        """Balance and promo points left once the campaign is paid for."""
        if self.total_cost is None or self.available is None:
            return None
        return self.available - self.total_cost

    @classmethod
    def priced(cls, summary: AudienceSummary, price: Decimal | None, **figures) -> CostEstimate:
        """The estimate for ``summary``'s billed parts at ``price`` (None: unknown)."""
        return cls(
            recipients=summary.recipients,
            total_segments=summary.total_segments,
            segments_per_message=summary.segments_per_message,
            price_per_message=price,
            total_cost=price * summary.total_segments if price is not None else None,
            **figures,
        )

    def money_figures(self) -> dict[str, str]:
        """Cost, available and shortfall as money in the estimate's currency, for messages."""
        return {"cost": money(self.total_cost, self.currency),
                "available": money(self.available, self.currency),
                "shortfall": money(self.shortfall, self.currency)}

    @property
    def shortfall(self) -> Decimal:
        if self.total_cost is None or self.available is None:
            return Decimal(0)
        return max(Decimal(0), self.total_cost - self.available)


def campaign_cost(*, campaign: Campaign, summary: AudienceSummary | None = None) -> CostEstimate:
    """Price × billed parts from the account's pricing, and the current balance.

    Raises :class:`CampaignError` when Justsend cannot be asked (transient errors retried
    within ``JUSTSEND_READ_RETRY_SECONDS``).
    """
    summary = summary or audience_summary(campaign=campaign)
    if campaign.provider != DEFAULT_PROVIDER:
        return _provider_cost(campaign=campaign, summary=summary)
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
    return CostEstimate.priced(
        summary, price,
        balance=account.account_balance,
        promo_points=account.promo_points,
        threshold=billing_settings_get().low_balance_threshold,
    )


def cost_launch_check(*, cost: CostEstimate, variant: str) -> None:
    """Refuse a launch the account cannot pay for. Justsend: no price for the variant, or
    more points than the account holds. Another provider: only a balance known to be too
    low (a price not set on the Providers page does not hold a launch back)."""
    if cost.in_points and not cost.price_known:
        raise CampaignError(
            _("The account has no price for the %(variant)s variant: it cannot send it.")
            % {"variant": variant}
        )
    if cost.in_points and not cost.sufficient:
        raise InsufficientBalance(
            _("The campaign costs %(cost)s points but the account holds %(available)s: "
              "top up %(shortfall)s points first.")
            % {"cost": cost.total_cost, "available": cost.available, "shortfall": cost.shortfall}
        )
    if cost.insufficient:
        raise InsufficientBalance(
            _("The campaign costs %(cost)s but the account holds %(available)s: top up "
              "%(shortfall)s first.")
            % cost.money_figures()
        )


def _provider_cost(*, campaign: Campaign, summary: AudienceSummary) -> CostEstimate:
    """Segments x the Providers page's price, against the provider's balance if it has one."""
    setting = provider_setting_get(provider=campaign.provider)
    price = setting.price_per_segment if setting else None
    currency = (setting.currency if setting else "") or ""
    balance = None
    if provider_capabilities(campaign.provider).balance:
        balance, balance_currency = _provider_balance(campaign.provider)
        currency = currency or balance_currency
        if price is not None and balance_currency and currency != balance_currency:
            balance = None  # a price in another currency than the balance: nothing to compare
    return CostEstimate.priced(
        summary, price,
        balance=balance,
        promo_points=Decimal(0),
        provider=campaign.provider,
        currency=currency,
    )


def _provider_balance(provider: str) -> tuple[Decimal, str]:
    def read():
        with provider_backend(provider) as backend:
            return backend.balance()

    try:
        balance = call_retrying(read)
    except SmsError as error:
        raise CampaignError(
            _("Could not read the balance from %(provider)s: %(error)s")
            % {"provider": provider_label(provider), "error": error.message}
        ) from error
    return balance.amount, balance.currency or ""

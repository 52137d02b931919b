"""What the preview page shows before launch: the audience after removals, sample messages,
the cost against the balance, and whether the campaign may be launched."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from django.utils.translation import gettext as _

from campaigns.models import Campaign
from campaigns.services.audience import AudienceSummary, Removed, audience_removed_numbers, audience_summary
from campaigns.services.cost import CostEstimate, campaign_cost
from justsend_panel.core.exceptions import ApplicationError

@dataclass(frozen=True)
class Preview:
    variant: str
    summary: AudienceSummary | None
    cost: CostEstimate | None
    audience_error: str | None = None
    cost_error: str | None = None

    @property
    def launch_refusal(self) -> str | None:
        """Why the campaign cannot be launched as it is, in words for the user; None if it can."""
        if self.audience_error:
            return self.audience_error
        summary, cost = self.summary, self.cost
        if summary.missing_count:
            return _(
                "%(count)d recipients lack a field the message needs; fill the field in or "
                "change the message."
            ) % {"count": summary.missing_count}
        if not summary.recipients:
            return _("No recipient is left after removing invalid, duplicate, excluded and "
                     "blacklisted numbers and those outside the variant's country.")
        if self.cost_error:
            return self.cost_error
        if not cost.in_points:
            # Another provider: an unknown price (not set on the Providers page) or balance
            # does not hold a launch back; a balance known to be too low does.
            if cost.insufficient:
                return _(
                    "The balance is too low: the campaign costs %(cost)s and the account has "
                    "%(available)s (%(shortfall)s short). Top up the account before launching."
                ) % cost.money_figures()
            return None
        if not cost.price_known:
            return _("Justsend's pricing has no price for the %(variant)s variant on this account.") % {
                "variant": self.variant
            }
        if not cost.sufficient:
            return _(
                "The balance is too low: the campaign costs %(cost)s points and the account has "
                "%(available)s (%(short)s short). Top up the account before launching."
            ) % {"cost": cost.total_cost, "available": cost.available, "short": cost.shortfall}
        return None

    @property
    def can_launch(self) -> bool:
        return self.launch_refusal is None


def campaign_preview_get(*, campaign: Campaign) -> Preview:
    """Everything the preview shows; problems come back as messages, never as an exception."""
    try:
        summary = audience_summary(campaign=campaign)
    except ApplicationError as error:
        return Preview(campaign.variant, None, None, audience_error=error.message)
    try:
        cost = campaign_cost(campaign=campaign, summary=summary)
    except ApplicationError as error:
        return Preview(campaign.variant, summary, None, cost_error=error.message)
    return Preview(campaign.variant, summary, cost)


def removed_numbers_csv(*, campaign: Campaign, kind: str) -> Iterator[list]:
    """CSV rows of one kind of removed number (invalid, outside the country, duplicate,
    excluded, blacklisted), streamed (core.spreadsheets writes them)."""
    Removed(kind)  # an unknown kind is a ValueError before the first line
    yield [_("number"), _("reason")]
    for raw, reason in audience_removed_numbers(campaign=campaign, kind=kind):
        yield [raw, reason]

"""The campaigns' write side; views, tasks and admin call these (keyword-only)."""

from campaigns.services.audience import AudienceSummary, audience_removed_numbers, audience_summary
from campaigns.services.cancelling import campaign_cancel, campaign_cancel_remote
from campaigns.services.cost import CostEstimate, campaign_cost
from campaigns.services.editing import (
    campaign_create,
    campaign_duplicate,
    campaign_resend_undelivered,
    campaign_update,
    campaign_validate,
)
from campaigns.services.polling import campaigns_poll_in_flight
from campaigns.services.scheduling import campaigns_submit_due
from campaigns.services.sending import campaign_launch, campaign_submit

__all__ = [
    "AudienceSummary",
    "CostEstimate",
    "audience_removed_numbers",
    "audience_summary",
    "campaign_cancel",
    "campaign_cancel_remote",
    "campaign_cost",
    "campaign_create",
    "campaign_duplicate",
    "campaign_launch",
    "campaign_resend_undelivered",
    "campaign_submit",
    "campaign_update",
    "campaign_validate",
    "campaigns_poll_in_flight",
    "campaigns_submit_due",
]

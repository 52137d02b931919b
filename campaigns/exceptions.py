"""Domain errors of campaigns: each message is fit to show the user as it is."""

from justsend_panel.core.exceptions import ApplicationError, InvalidTransition

__all__ = [
    "AudienceError",
    "CampaignError",
    "CancelRefused",
    "InsufficientBalance",
    "InvalidTransition",
    "RenderingError",
]


class CampaignError(ApplicationError):
    """A campaign cannot be saved, launched or sent as it is."""


class AudienceError(CampaignError):
    """The audience cannot be resolved: no recipient left, an unreadable file…"""


class RenderingError(CampaignError):
    """A message needs a member field some recipients do not have.

    ``extra["missing"]`` lists ``(msisdn, field)`` for the first recipients concerned and
    ``extra["count"]`` how many there are in all.
    """


class InsufficientBalance(CampaignError):
    """The account's points do not cover the campaign's cost."""


class CancelRefused(CampaignError):
    """Justsend would not cancel the bulk (already finished, unknown, bad request)."""

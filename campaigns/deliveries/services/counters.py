"""A campaign's delivery counters, moved in the same transaction as its recipient rows.

:class:`DeliveryCounts` holds what applied postbacks counted, exactly; the campaign's own
counters become the larger of those and what polling read from Justsend.
"""

from collections import Counter

from django.db.models import F, OuterRef, Subquery
from django.db.models.functions import Greatest
from django.utils import timezone

from campaigns.deliveries.models import DeliveryCounts
from campaigns.models import Campaign, Recipient

R = Recipient.Status


def counters_add(by_campaign: dict[int, Counter]) -> None:
    """Add what a batch counted to its campaigns, then lift their counters to match."""
    by_campaign = {cid: counts for cid, counts in by_campaign.items() if counts}
    if not by_campaign:
        return
    now = timezone.now()
    DeliveryCounts.objects.bulk_create(
        [DeliveryCounts(campaign_id=cid) for cid in sorted(by_campaign)], ignore_conflicts=True
    )
    for campaign_id in sorted(by_campaign):  # one lock order: no deadlock between workers
        counts = by_campaign[campaign_id]
        DeliveryCounts.objects.filter(pk=campaign_id).update(
            sent=F("sent") + counts["sent"],
            delivered=F("delivered") + counts[R.DELIVERED],
            undelivered=F("undelivered") + counts[R.UNDELIVERED],
            expired=F("expired") + counts[R.EXPIRED],
            rejected=F("rejected") + counts[R.REJECTED],
            replies=F("replies") + counts["replies"],
            updated_at=now,
        )
        own = DeliveryCounts.objects.filter(pk=OuterRef("pk"))
        Campaign.objects.filter(pk=campaign_id).update(
            sent_count=Greatest(F("sent_count"), Subquery(own.values("sent"))),
            delivered_count=Greatest(F("delivered_count"), Subquery(own.values("delivered"))),
            undelivered_count=Greatest(F("undelivered_count"), Subquery(
                own.annotate(failed=F("undelivered") + F("expired") + F("rejected"))
                .values("failed")
            )),
        )

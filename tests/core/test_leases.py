"""Leases: one holder at a time, renewal, release, expiry taken over, and the keeper thread."""

import time
from datetime import timedelta

import pytest
from django.utils import timezone

from campaigns.models import Campaign
from justsend_panel.core.leases import (
    lease_claim,
    lease_expired_q,
    lease_kept,
    lease_release,
    lease_renew,
)

pytestmark = pytest.mark.django_db


def campaign_create() -> Campaign:
    return Campaign.objects.create(name="Leased", message="Hello")


def test_a_held_lease_cannot_be_claimed_again():
    campaign = campaign_create()
    first = lease_claim(Campaign.objects.all(), pk=campaign.pk, seconds=60)
    second = lease_claim(Campaign.objects.all(), pk=campaign.pk, seconds=60)
    assert first and second is None
    campaign.refresh_from_db()
    assert campaign.lease_token == first
    assert campaign.lease_expires_at > timezone.now() + timedelta(seconds=50)


def test_the_claim_checks_the_queryset_conditions_with_the_lease():
    campaign = campaign_create()
    assert lease_claim(Campaign.objects.filter(status=Campaign.Status.SENDING),
                       pk=campaign.pk) is None
    token = lease_claim(Campaign.objects.filter(status=Campaign.Status.DRAFT), pk=campaign.pk,
                        submit_attempts=3)
    campaign.refresh_from_db()
    assert token and campaign.submit_attempts == 3


def test_an_expired_lease_is_taken_over_and_the_old_holder_cannot_renew():
    campaign = campaign_create()
    old = lease_claim(Campaign.objects.all(), pk=campaign.pk, seconds=60)
    Campaign.objects.filter(pk=campaign.pk).update(
        lease_expires_at=timezone.now() - timedelta(seconds=1))
    assert Campaign.objects.filter(lease_expired_q(), pk=campaign.pk).exists()
    new = lease_claim(Campaign.objects.all(), pk=campaign.pk, seconds=60)
    assert new and new != old
    assert not lease_renew(Campaign, pk=campaign.pk, token=old)
    assert not lease_release(Campaign, pk=campaign.pk, token=old)
    assert lease_renew(Campaign, pk=campaign.pk, token=new)


def test_release_frees_the_row_and_sets_fields_in_the_same_update():
    campaign = campaign_create()
    token = lease_claim(Campaign.objects.all(), pk=campaign.pk)
    assert lease_release(Campaign, pk=campaign.pk, token=token, submit_attempts=7)
    campaign.refresh_from_db()
    assert (campaign.lease_token, campaign.lease_expires_at, campaign.submit_attempts) == (
        "", None, 7)
    assert lease_claim(Campaign.objects.all(), pk=campaign.pk)


@pytest.mark.django_db(transaction=True)
def test_the_keeper_renews_while_the_block_runs_and_notices_a_takeover():
    campaign = campaign_create()
    token = lease_claim(Campaign.objects.all(), pk=campaign.pk, seconds=0.6)
    with lease_kept(Campaign, pk=campaign.pk, token=token, seconds=0.6) as keeper:
        first = Campaign.objects.get(pk=campaign.pk).lease_expires_at
        deadline = time.monotonic() + 10
        while Campaign.objects.get(pk=campaign.pk).lease_expires_at == first:
            assert time.monotonic() < deadline, "the keeper never renewed the lease"
            time.sleep(0.05)
        Campaign.objects.filter(pk=campaign.pk).update(lease_token="someone-else")
        assert keeper.lost.wait(10)

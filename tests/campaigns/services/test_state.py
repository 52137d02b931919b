import pytest

from campaigns.exceptions import InvalidTransition
from campaigns.models import Campaign
from campaigns.services.state import FINAL_STATES, TRANSITIONS, campaign_transition
from tests.campaigns.services.conftest import campaign_make

S = Campaign.Status


def test_every_status_has_a_row_and_final_states_go_nowhere():
    assert set(TRANSITIONS) == set(S.values)
    assert FINAL_STATES == {S.FINISHED, S.CANCELLED, S.FAILED}
    for targets in TRANSITIONS.values():
        assert targets <= set(S.values)


@pytest.mark.django_db
def test_transition_moves_and_sets_fields_together():
    campaign = campaign_make()
    moved = campaign_transition(campaign_id=campaign.pk, to=S.QUEUED, submit_attempts=3)
    campaign.refresh_from_db()
    assert (moved.status, campaign.status, campaign.submit_attempts) == (S.QUEUED, S.QUEUED, 3)


@pytest.mark.django_db
def test_a_move_outside_the_table_is_refused_and_nothing_changes():
    campaign = campaign_make(status=S.FINISHED)
    with pytest.raises(InvalidTransition) as raised:
        campaign_transition(campaign_id=campaign.pk, to=S.SENDING, batch_id="x")
    assert "finished" in raised.value.message
    campaign.refresh_from_db()
    assert (campaign.status, campaign.batch_id) == (S.FINISHED, "")


@pytest.mark.django_db
def test_from_states_narrows_a_claim():
    campaign = campaign_make(status=S.SUBMITTING)
    # submitting -> submitting is not a claim a second task may make
    with pytest.raises(InvalidTransition):
        campaign_transition(campaign_id=campaign.pk, to=S.SUBMITTING, from_states=[S.QUEUED])

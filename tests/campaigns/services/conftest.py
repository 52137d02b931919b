import pytest

from campaigns.models import Campaign
from contacts.models import BlacklistEntry, Group, Member


def group_with_members(name: str, count: int, *, start: int = 500000000, **member_fields) -> Group:
    group = Group.objects.create(name=name, member_count=count)
    Member.objects.bulk_create(
        Member(group=group, msisdn=f"48{start + i}", name=f"Name{i}", surname=f"Surname{i}",
               address=f"Street {i}", attributes={"code": f"C{i}"}, **member_fields)
        for i in range(count)
    )
    return group


def campaign_make(user=None, *, groups=(), excluded=(), **fields) -> Campaign:
    defaults = {"name": "Spring sale", "message": "Hello from the panel", "variant": "ECO",
                "bulk_type": "STANDARD"}
    campaign = Campaign.objects.create(created_by=user, **{**defaults, **fields})
    campaign.groups.set(groups)
    campaign.excluded_groups.set(excluded)
    return campaign


def blacklist(*numbers: str) -> None:
    BlacklistEntry.objects.bulk_create(BlacklistEntry(msisdn=n) for n in numbers)


@pytest.fixture
def group(db):
    return group_with_members("Customers", 5)


@pytest.fixture
def sent_tasks(monkeypatch):
    """The tasks handed to the broker, as (name, campaign id), instead of sending them."""
    sent = []
    monkeypatch.setattr("justsend_panel.celery.app.send_task",
                        lambda name, kwargs, **options: sent.append((name, kwargs["campaign_id"])))
    return sent

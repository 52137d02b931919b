import pytest

from contacts.models import BlacklistEntry, Group, Member


def members_group(name: str, count: int, *, start: int = 600000000, **fields) -> Group:
    """A group of ``count`` Polish mobile members with every personal field filled."""
    group = Group.objects.create(name=name, member_count=count)
    Member.objects.bulk_create(
        Member(
            group=group, msisdn=f"48{start + i}", name=f"Ann{i}", surname=f"Smith{i}",
            address=f"Street {i}", attributes={"code": f"C{i}"}, **fields,
        )
        for i in range(count)
    )
    return group


def blacklist_add(*numbers: str) -> None:
    BlacklistEntry.objects.bulk_create(BlacklistEntry(msisdn=n) for n in numbers)


@pytest.fixture
def customers(db):
    return members_group("Customers", 6)


@pytest.fixture
def sent_tasks(monkeypatch):
    """The campaign tasks enqueued (name, campaign id), instead of sent to the broker."""
    sent = []
    monkeypatch.setattr("justsend_panel.celery.app.send_task",
                        lambda name, kwargs, **options: sent.append((name, kwargs["campaign_id"])))
    return sent

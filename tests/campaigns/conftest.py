import pytest

from justsend_panel.sandbox.server import run_sandbox

from contacts.models import BlacklistEntry, Group, GroupAttributeKey, Member


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
    GroupAttributeKey.objects.create(group=group, key="code")  # as the services keep it
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


@pytest.fixture
def posting_sandbox(live_server, settings, tmp_path):
    """A sandbox whose postbacks go to the live panel's webhook; the panel talks to it."""
    from tests.campaigns.deliveries.conftest import SECRET
    from tests.fixtures.sandbox import POSTBACK_DELIVERY_MIX

    settings.JUSTSEND_WEBHOOK_SECRET = SECRET
    url = f"{live_server.url}/webhooks/justsend/{SECRET}/"
    with run_sandbox(tmp_dir=tmp_path, postback_url=url, clock="manual",
                     delivery_mix=POSTBACK_DELIVERY_MIX) as sandbox:
        settings.JUSTSEND_APP_KEY = ""
        settings.JUSTSEND_SANDBOX = True
        settings.JUSTSEND_SANDBOX_APP_KEY = sandbox.app_key
        settings.JUSTSEND_API_URL = sandbox.api_url
        settings.POSTBACK_APPLY_DELAY = 0.2
        yield sandbox

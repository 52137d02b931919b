import pytest

from contacts.services.groups import group_create
from contacts.services.push import sync_push_pending


@pytest.fixture
def remote(panel_sandbox):
    """The sandbox's API seen from outside the panel: what Justsend really holds."""
    with panel_sandbox.client() as client:
        yield client


def remote_groups(remote) -> list[dict]:
    return remote.get("groups/batch", params={"size": 100}).json()["content"]


def remote_members(remote, group_id: int) -> dict[str, dict]:
    members, page = {}, 0
    while True:
        body = remote.get(f"group-members/{group_id}", params={"size": 1000, "page": page}).json()
        members.update((m["msisdn"], m) for m in body["content"])
        page += 1
        if page >= body["totalPages"]:
            return members


def remote_blacklist(remote) -> set[tuple[str, str]]:
    content = remote.get("blacklist/get", params={"size": 1000}).json()["content"]
    return {(e["msisdn"], e["country"]) for e in content}


@pytest.fixture
def pushed_group(panel_sandbox, db):
    """A group already created in Justsend."""
    group = group_create(name="Customers")
    sync_push_pending()
    group.refresh_from_db()
    assert group.remote_id is not None
    return group

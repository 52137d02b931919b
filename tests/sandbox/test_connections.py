"""The sandbox serves each request on a new thread; its database connections are reused,
not kept one per finished thread (that leaked two file descriptors a request, and a
long-running `make run` sandbox died near 10,000 requests with "Too many open files")."""

import os

from tests.sandbox.conftest import numbers


def _open_files() -> int:
    return len(os.listdir("/proc/self/fd"))


def test_many_requests_reuse_a_few_connections(sandbox, api):
    group = api.post("groups", json={"id": 0, "name": "Reuse", "groupType": "LOCAL",
                                      "country": "POLAND"}).json()
    api.post("group-members/batch-add", params={"groupId": group["id"]}, json=numbers(3))
    api.get(f"group-members/{group['id']}").raise_for_status()  # warm: the first connections
    before, files_before = sandbox.app.store.connection_count(), _open_files()
    for _ in range(150):
        assert api.get(f"group-members/{group['id']}").status_code == 200
        # A streamed answer gives its connection back only once it has been read.
        export = api.get("group-members/export-csv", params={"groupId": group["id"]})
        assert export.status_code == 200 and export.text.count("\n") >= 3
    after = sandbox.app.store.connection_count()
    assert after <= before + 2, (before, after)
    assert _open_files() - files_before < 20

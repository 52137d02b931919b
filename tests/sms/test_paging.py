"""The iter_… generators walk every page, lazily, and stop at the last one."""

import httpx
import pytest

from justsend_panel.sms.exceptions import SmsServerError
from justsend_panel.sms.justsend.types import Country, GroupType

from .conftest import page_body


def _group(n: int) -> dict[str, object]:
    return {"id": n, "name": f"g{n}", "groupType": "LOCAL", "country": "POLAND"}


def test_iter_groups_walks_every_page_in_order(api, client):
    pages = {
        "0": page_body([_group(1), _group(2)], total_pages=3, total_elements=5),
        "1": page_body([_group(3), _group(4)], total_pages=3, total_elements=5),
        "2": page_body([_group(5)], total_pages=3, total_elements=5),
    }
    route = api.get("/groups/batch").mock(
        side_effect=lambda request: httpx.Response(200, json=pages[request.url.params["page"]])
    )

    ids = [group.id for group in client.iter_groups(size=2, group_type=GroupType.LOCAL)]

    assert ids == [1, 2, 3, 4, 5]
    assert [call.request.url.params["page"] for call in route.calls] == ["0", "1", "2"]
    assert all(call.request.url.params["size"] == "2" for call in route.calls)
    assert all(call.request.url.params["groupType"] == "LOCAL" for call in route.calls)


def test_iterator_is_lazy_and_starts_where_asked(api, client):
    route = api.get("/blacklist/get").mock(
        side_effect=lambda request: httpx.Response(
            200,
            json=page_body(
                [{"id": int(request.url.params["page"]), "msisdn": "48", "country": "POLAND"}], total_pages=10
            ),
        )
    )

    entries = client.iter_blacklist(page=4, size=1)
    assert route.call_count == 0
    first = next(entries)
    assert (first.id, first.country, route.call_count) == (4, Country.POLAND, 1)
    assert next(entries).id == 5
    assert route.call_count == 2


def test_iterator_stops_on_an_empty_page_even_if_total_pages_lies(api, client):
    route = api.get("/group-members/7").mock(
        side_effect=[
            httpx.Response(200, json=page_body([{"msisdn": "481"}], total_pages=99)),
            httpx.Response(200, json=page_body([], total_pages=99)),
        ]
    )
    assert [m.msisdn for m in client.iter_group_members(group_id=7)] == ["481"]
    assert route.call_count == 2


def test_iterator_without_total_pages_reads_one_page(api, client):
    api.get("/groups/search").respond(json={"content": [_group(1)]})
    assert [g.id for g in client.iter_search_groups(msisdn="48123")] == [1]


def test_an_error_midway_surfaces_from_the_iterator(api, client):
    api.get("/upload/bulk/descriptors").mock(
        side_effect=[
            httpx.Response(200, json=page_body([{"id": 1}], total_pages=2)),
            httpx.Response(503, text="maintenance"),
        ]
    )
    walked = client.iter_upload_descriptors()
    assert next(walked).id == "1"
    with pytest.raises(SmsServerError):
        next(walked)


def test_iterator_names_and_docs_are_their_own():
    from justsend_panel.sms.justsend import JustsendClient

    assert JustsendClient.iter_send_stats.__name__ == "iter_send_stats"
    assert "get_send_stats" in JustsendClient.iter_send_stats.__doc__

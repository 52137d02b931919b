"""The ``iter_…`` walkers against the sandbox's real pages: every item once, in order, across pages."""

from __future__ import annotations

from datetime import datetime, timedelta

from justsend_panel.sms.justsend.types import Country, PlatformType, Recipient
from tests.contract.conftest import bulk_request, last_json


def test_every_walker_crosses_several_pages(sandbox, justsend):
    groups = [justsend.create_group(name=f"group-{i}", country=Country.POLAND) for i in range(5)]
    numbers = [str(48600000000 + i) for i in range(7)]
    justsend.batch_add_group_members(group_id=groups[0].id, msisdns=numbers)
    justsend.add_to_blacklist(country=Country.POLAND, msisdns=[str(48700000000 + i) for i in range(5)])
    for index in range(5):
        justsend.send_bulk(request=bulk_request(name=f"bulk-{index}", recipients=[Recipient("48500100200")]))
        justsend.send_single_message(msisdn="48500100200", content=f"single-{index}")
        sandbox.incoming(msisdn="48500100200", message=f"reply-{index}", prefix="SKLEP")
    now = datetime.fromtimestamp(sandbox.app.clock.now()).astimezone()
    window = {"from_date": now - timedelta(hours=1), "to_date": now + timedelta(hours=1)}

    assert [g.id for g in justsend.iter_groups(size=2)] == [g.id for g in groups]
    assert [m.msisdn for m in justsend.iter_group_members(group_id=groups[0].id, size=3)] == numbers
    assert [m.msisdn for m in justsend.iter_search_group_members(group_id=groups[0].id, msisdn="486", size=2)] == numbers
    assert [g.id for g in justsend.iter_search_groups(msisdn=numbers[0], size=1)] == [groups[0].id]
    assert len(list(justsend.iter_blacklist(size=2))) == 5
    assert [b.name for b in justsend.iter_bulks(size=2)] == [f"bulk-{i}" for i in range(5)]
    assert [m.content for m in justsend.iter_single_messages(size=2)] == [f"single-{i}" for i in range(5)]
    assert len(list(justsend.iter_user_history(msisdn="48500100200", **window, size=3))) == 10
    assert [r.response_message or r.raw["message"] for r in justsend.iter_keyword_responses(
        platform_type=PlatformType.PL, size=2)] == [f"reply-{i}" for i in reversed(range(5))]  # newest first
    assert len(list(justsend.iter_transactions(start_date=window["from_date"], end_date=window["to_date"], size=3))) == 10
    assert len(list(justsend.iter_send_stats(**window, size=1))) == 1  # one day, one variant (ECO)
    assert last_json(sandbox, "/api/overview/send-stats") is None  # a GET carries no body

    pages = [e["query"] for e in sandbox.requests(path="/api/groups/batch") if e["path"] == "/api/groups/batch"]
    assert [q["page"] for q in pages] == ["0", "1", "2"] and all(q["size"] == "2" for q in pages)
    started_late = list(justsend.iter_groups(size=2, page=1))
    assert [g.id for g in started_late] == [g.id for g in groups[2:]]

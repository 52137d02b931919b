"""The Activity page: administrators only, filters, search, CSV export, object links."""

import csv
import io
from datetime import datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_noop

from campaigns.models import Campaign
from contacts.models import Group
from justsend_panel.audit.actions import NUMBER, Action
from justsend_panel.audit.models import AuditEntry
from justsend_panel.audit.services import audit_record

pytestmark = pytest.mark.django_db
URL = reverse("audit:activity")
EXPORT = reverse("audit:activity_export")


def _at(day: str) -> datetime:
    return timezone.make_aware(datetime.fromisoformat(day + " 12:00"))


def _entry(day: str, obj=None, **fields) -> AuditEntry:
    """An entry written on ``day``: inserted as the bench does (in bulk, ``at`` given)."""
    if obj is not None:
        fields.update(object_type=obj._meta.label_lower, object_id=str(obj.pk),
                      object_label=str(obj))
    [entry] = AuditEntry.objects.bulk_create([AuditEntry(at=_at(day), **fields)])
    return entry


@pytest.fixture
def entries(marketing_user, administrator):
    campaign = Campaign.objects.create(name="Spring sale", message="Hi")
    group = Group.objects.create(name="VIP")
    return {
        "launched": _entry("2026-11-01", action=Action.CAMPAIGN_LAUNCHED, actor=marketing_user,
                           obj=campaign, summary=gettext_noop("%(recipients)s recipients"),
                           summary_params={"recipients": 120}),
        "group": _entry("2026-11-15", action=Action.GROUP_CREATED, actor=administrator,
                        obj=group),
        "stop": _entry("2026-11-20", action=Action.BLACKLIST_STOP_REPLY,
                       actor_label="Justsend postback", object_type=NUMBER,
                       object_id="48500100200", object_label="48500100200",
                       summary=gettext_noop("Reply: %(note)s"),
                       summary_params={"note": "=HYPERLINK(\"x\") STOP"}),
    }


def _rows(response) -> list[str]:
    return [row.record.action for row in response.context["table"].page.object_list]


def test_marketing_gets_403_and_the_menu_has_no_link(marketing_client):
    assert marketing_client.get(URL).status_code == 403
    assert marketing_client.get(EXPORT).status_code == 403
    assert URL not in marketing_client.get(reverse("core:dashboard")).content.decode()


def test_the_administrator_sees_every_entry_newest_first_with_links(admin_client_panel, entries):
    response = admin_client_panel.get(URL)
    assert response.status_code == 200
    assert _rows(response) == ["blacklist.stop_reply", "group.created", "campaign.launched"]
    page = response.content.decode()
    campaign = Campaign.objects.get()
    assert f'href="{reverse("campaigns:campaign_detail", args=[campaign.pk])}">Spring sale<' in page
    assert f'href="{reverse("campaigns:number_history", args=["48500100200"])}"' in page
    assert "120 recipients" in page and "marketer" in page
    assert f'href="{URL}"' in admin_client_panel.get(reverse("core:dashboard")).content.decode()


@pytest.mark.parametrize("query,expected", [
    ({"action": "group.created"}, ["group.created"]),
    ({"object_type": "campaigns.campaign"}, ["campaign.launched"]),
    ({"date_from": "2026-11-15"}, ["blacklist.stop_reply", "group.created"]),
    ({"date_to": "2026-11-15"}, ["group.created", "campaign.launched"]),
    ({"date_from": "2026-11-02", "date_to": "2026-11-19"}, ["group.created"]),
    ({"q": "vip"}, ["group.created"]),
    ({"q": "HYPERLINK"}, ["blacklist.stop_reply"]),  # the values put in the summary
    ({"object_type": "number", "object_id": "48500100200"}, ["blacklist.stop_reply"]),
])
def test_filters_and_search(admin_client_panel, entries, query, expected):
    assert _rows(admin_client_panel.get(URL, query)) == expected


def test_the_user_filter(admin_client_panel, entries, marketing_user):
    assert _rows(admin_client_panel.get(URL, {"actor": marketing_user.pk})) == ["campaign.launched"]


def test_date_inputs_carry_iso_values_in_polish_too(admin_client_panel, entries):
    page = admin_client_panel.get(
        URL, {"date_from": "2026-11-02"}, HTTP_ACCEPT_LANGUAGE="pl").content.decode()
    assert 'type="date" name="date_from" value="2026-11-02"' in page


def test_no_count_over_the_table_per_page_view(admin_client_panel, entries):
    with CaptureQueriesContext(connection) as queries:
        admin_client_panel.get(URL, {"action": "group.created"})
    activity = [q["sql"] for q in queries if "audit_auditentry" in q["sql"]]
    assert activity and not [sql for sql in activity if "COUNT(" in sql.upper()]


def test_the_export_is_the_filtered_rows_spreadsheet_safe(admin_client_panel, entries):
    response = admin_client_panel.get(EXPORT, {"date_from": "2026-11-15"})
    assert response.streaming and response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert rows[0][:3] == ["When", "Who", "Action"]
    assert [row[2] for row in rows[1:]] == ["Blacklisted by a STOP reply", "Group created"]
    stop = rows[1]
    assert stop[1] == "Justsend postback" and stop[4] == "48500100200"
    assert stop[6] == "Reply: =HYPERLINK(\"x\") STOP"  # not a formula: it starts with text
    assert rows[2][0].startswith("2026-11-15T")


def test_an_exported_cell_that_would_be_a_formula_is_defused(admin_client_panel, administrator):
    audit_record(action=Action.GROUP_CREATED, actor=administrator, object_type="contacts.group",
                 object_id="1", object_label="=cmd|' /C calc'!A0")
    response = admin_client_panel.get(EXPORT)
    [_header, row] = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert row[5] == "'=cmd|' /C calc'!A0"


def test_an_objects_page_shows_its_last_entries_and_links_to_the_rest(
        admin_client_panel, marketing_user, entries):
    campaign = Campaign.objects.get()
    for number in range(12):
        audit_record(action=Action.MESSAGE_TEST_SENT, obj=campaign)
    page = admin_client_panel.get(
        reverse("campaigns:campaign_detail", args=[campaign.pk])).content.decode()
    section = page[page.index('data-testid="object-activity"'):]
    assert section.count('data-testid="activity-entry"') == 10
    link = f"{URL}?object_type=campaigns.campaign&amp;object_id={campaign.pk}"
    assert link in section
    # Marketing sees the entries but not the link to a page it may not open.
    marketing_client = Client()
    marketing_client.force_login(marketing_user)
    page = marketing_client.get(
        reverse("campaigns:campaign_detail", args=[campaign.pk])).content.decode()
    assert 'data-testid="object-activity"' in page and link not in page


def test_a_groups_page_shows_its_entries(admin_client_panel, entries):
    group = Group.objects.get()
    page = admin_client_panel.get(reverse("contacts:group_detail", args=[group.pk])).content.decode()
    section = page[page.index('data-testid="object-activity"'):]
    assert "Group created" in section and "boss" in section


def test_the_django_admin_lists_entries_but_cannot_add_change_or_delete(
        admin_client_panel, entries):
    entry = entries["group"]
    assert admin_client_panel.get("/admin/audit/auditentry/").status_code == 200
    assert admin_client_panel.get("/admin/audit/auditentry/add/").status_code == 403
    admin_client_panel.post(f"/admin/audit/auditentry/{entry.pk}/change/", {"summary": "x"})
    admin_client_panel.post(f"/admin/audit/auditentry/{entry.pk}/delete/", {"post": "yes"})
    assert AuditEntry.objects.get(pk=entry.pk).summary == entry.summary


def test_the_admin_list_counts_a_bounded_subquery_only(admin_client_panel, entries, settings):
    from justsend_panel.audit.admin import BoundedCountPaginator

    with CaptureQueriesContext(connection) as queries:
        assert admin_client_panel.get("/admin/audit/auditentry/").status_code == 200
    counts = [q["sql"] for q in queries if "audit_auditentry" in q["sql"]
              and "COUNT(" in q["sql"].upper()]
    assert counts and all("LIMIT" in sql.upper() for sql in counts)
    assert BoundedCountPaginator(AuditEntry.objects.all(), 2).count == 3


def test_a_numbers_history_shows_its_entries(admin_client_panel, entries, panel_sandbox):
    page = admin_client_panel.get(
        reverse("campaigns:number_history", args=["48500100200"])).content.decode()
    section = page[page.index('data-testid="object-activity"'):]
    assert "Blacklisted by a STOP reply" in section
    assert "object_type=number&amp;object_id=48500100200" in section

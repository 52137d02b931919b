from django.core.files.base import ContentFile
import pytest
from hypothesis import HealthCheck, given, settings as hypothesis_settings, strategies as st

from campaigns.exceptions import AudienceError, RenderingError
from campaigns.models import Campaign, Recipient
from campaigns.services.audience import (
    Removed,
    audience_prepare,
    audience_removed_numbers,
    audience_summary,
)
from campaigns.services.sending import campaign_submit
from contacts.models import BlacklistEntry, Group, Member
from tests.campaigns.services.conftest import blacklist, campaign_make, group_with_members


@pytest.mark.django_db
def test_summary_counts_each_removal_once_and_in_order():
    customers = group_with_members("Customers", 6)  # 48500000000 … 48500000005
    vip = group_with_members("VIP", 2, start=500000004)  # two already in Customers
    staff = group_with_members("Staff", 1, start=500000005)
    blacklist("48500000001", "48999999999")
    campaign = campaign_make(groups=[customers, vip], excluded=[staff],
                             pasted_numbers="+48 600 100 200\nnot a number, 0048600100200")
    summary = audience_summary(campaign=campaign)
    assert (summary.candidates, summary.invalid, summary.duplicates, summary.excluded,
            summary.blacklisted, summary.recipients) == (11, 1, 3, 1, 1, 5)
    assert [s.msisdn for s in summary.samples] == [
        "48500000000", "48500000002", "48500000003", "48500000004", "48600100200"]
    assert summary.total_segments == 5 and summary.samples[0].encoding == "GSM-7"
    assert list(audience_removed_numbers(campaign=campaign, kind=Removed.BLACKLISTED)) == [
        ("48500000001", "on the blacklist")]
    invalid = list(audience_removed_numbers(campaign=campaign, kind="invalid"))
    assert invalid[0][0] == "not a number" and "not a phone number" in invalid[0][1]


@pytest.mark.django_db
def test_personalized_summary_renders_samples_and_reports_missing_fields():
    group = group_with_members("Customers", 3)
    Member.objects.filter(msisdn="48500000001").update(name="")
    campaign = campaign_make(groups=[group], bulk_type="PERSONALIZED",
                             message="Cześć {name}, kod {code}")
    summary = audience_summary(campaign=campaign)
    assert summary.recipients == 2 and summary.missing == [("48500000001", "name")]
    assert summary.samples[0].text == "Cześć Name0, kod C0"
    assert summary.samples[0].encoding == "UCS-2"
    assert not summary.can_send
    with pytest.raises(RenderingError) as raised:
        audience_prepare(campaign=campaign)
    assert "48500000001 (name)" in raised.value.message


@pytest.mark.django_db
def test_domestic_variant_leaves_foreign_numbers_out_with_their_own_reason():
    campaign = campaign_make(pasted_numbers="+49 1512 3456789\n+48 600 100 200")
    summary = audience_summary(campaign=campaign)
    assert (summary.invalid, summary.outside_country, summary.recipients) == (0, 1, 1)
    assert list(audience_removed_numbers(campaign=campaign, kind="outside_country")) == [
        ("+49 1512 3456789", "not in Poland")]


@pytest.mark.django_db
@pytest.mark.parametrize("message", ["Hello", "Hello {name}"], ids=["sql-standard", "sql-rendered"])
def test_a_campaign_through_another_provider_keeps_foreign_numbers(message):
    """The one-country rule is Justsend's variants'; SMS Manager takes any valid number."""
    members = Group.objects.create(name="Mixed")
    Member.objects.bulk_create(Member(group=members, msisdn=msisdn, name="N") for msisdn in (
        "421905000001", "420601000001", "48500000001"))
    campaign = campaign_make(groups=[members], provider="smsmanager", status="submitting",
                             message=message,
                             # pasted numbers have no fields: only for the plain text
                             pasted_numbers="" if "{" in message else "+49 1512 3456789",
                             bulk_type="PERSONALIZED" if "{" in message else "STANDARD")
    summary = audience_summary(campaign=campaign)
    assert (summary.outside_country, summary.invalid) == (0, 0)
    audience_prepare(campaign=campaign)
    campaign.refresh_from_db()
    expected = {"421905000001", "420601000001", "48500000001"}
    if "{" not in message:
        expected.add("4915123456789")
    assert set(campaign.recipients.values_list("msisdn", flat=True)) == expected
    assert campaign.outside_country_removed == 0


def _slovak_campaign(**fields):
    """Issue 13 point 4: Slovak, Czech and Polish numbers in an INTER/Slovakia campaign."""
    members = Group.objects.create(name="Mixed", group_type="INTERNATIONAL", country="SLOVAKIA")
    Member.objects.bulk_create(Member(group=members, msisdn=msisdn, name="N") for msisdn in (
        "421905000001", "420601000001", "48500000001"))
    return campaign_make(groups=[members], variant="INTER", country="SLOVAKIA", sender="ACME",
                         pasted_numbers="+421905000002\n+421905000003\n+420601000002",
                         **fields)


@pytest.mark.django_db
def test_inter_preview_leaves_out_numbers_outside_the_chosen_country():
    campaign = _slovak_campaign()
    summary = audience_summary(campaign=campaign)
    assert (summary.candidates, summary.outside_country, summary.invalid,
            summary.recipients) == (6, 3, 0, 3)
    assert {s.msisdn for s in summary.samples} == {"421905000001", "421905000002", "421905000003"}
    removed = dict(audience_removed_numbers(campaign=campaign, kind=Removed.OUTSIDE_COUNTRY))
    assert removed == {"420601000001": "not in Slovakia", "48500000001": "not in Slovakia",
                       "+420601000002": "not in Slovakia"}


@pytest.mark.django_db
@pytest.mark.parametrize("message", ["Hello", "Hello {name}", "Hello {code}"],
                         ids=["sql-standard", "sql-rendered", "python-rendered"])
def test_inter_prepare_writes_only_the_chosen_countrys_numbers(message):
    personal = "{" in message
    campaign = _slovak_campaign(status="submitting", message=message,
                                bulk_type="PERSONALIZED" if personal else "STANDARD")
    if personal:  # pasted numbers have no fields: members only
        campaign.pasted_numbers = ""
        campaign.save()
        Member.objects.update(attributes={"code": "C"})
    audience_prepare(campaign=campaign)
    campaign.refresh_from_db()
    expected = {"421905000001"} | (set() if personal else {"421905000002", "421905000003"})
    assert set(campaign.recipients.values_list("msisdn", flat=True)) == expected
    assert (campaign.outside_country_removed, campaign.invalid_removed,
            campaign.recipients_count) == (2 if personal else 3, 0, len(expected))


@pytest.mark.django_db
def test_csv_file_with_mapping_feeds_numbers_and_fields():
    campaign = campaign_make(bulk_type="PERSONALIZED", message="Hi {name} from {city}",
                             audience_mapping={"0": "name", "1": "msisdn", "2": "attr:city"},
                             audience_has_header=True)
    campaign.audience_file.save("a.csv", ContentFile(
        "Name;Phone;City\nAnna;600100200;Gdańsk\nJan;garbage;Łódź\nAnna;600100200;Gdańsk\n".encode()))
    summary = audience_summary(campaign=campaign)
    assert (summary.recipients, summary.invalid, summary.duplicates) == (1, 1, 1)
    assert summary.samples[0].text == "Hi Anna from Gdańsk"


@pytest.mark.django_db
def test_prepare_writes_recipients_and_applies_the_blacklist_again_each_time():
    group = group_with_members("Customers", 4)
    excluded = group_with_members("Excluded", 1, start=500000003)
    campaign = campaign_make(groups=[group], excluded=[excluded], status="submitting",
                             pasted_numbers="48500000000")
    prepared = audience_prepare(campaign=campaign)
    campaign.refresh_from_db()
    assert prepared.recipients == 3
    assert (campaign.duplicates_removed, campaign.excluded_removed,
            campaign.recipients_count) == (1, 1, 3)
    # A number blacklisted after the first attempt is gone by the next one.
    blacklist("48500000002")
    assert audience_prepare(campaign=campaign).blacklisted_now == 1
    assert set(campaign.recipients.values_list("msisdn", flat=True)) == {
        "48500000000", "48500000001"}
    campaign.refresh_from_db()
    assert campaign.blacklisted_removed == 1 and campaign.recipients_count == 2


@pytest.mark.django_db
def test_prepare_refuses_an_audience_that_is_all_blacklisted():
    group = group_with_members("Customers", 2)
    blacklist("48500000000", "48500000001")
    campaign = campaign_make(groups=[group], status="submitting")
    with pytest.raises(AudienceError):
        audience_prepare(campaign=campaign)


numbers = st.integers(min_value=500000000, max_value=500000040).map(lambda n: f"48{n}")


@pytest.mark.django_db
@hypothesis_settings(max_examples=25, deadline=None,
                     suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(members=st.lists(numbers, min_size=1, max_size=25, unique=True),
       blacklisted=st.lists(numbers, max_size=25, unique=True),
       pasted=st.lists(numbers, max_size=5),
       threshold=st.sampled_from([0, 1000]))
def test_no_blacklisted_number_ever_reaches_a_submitted_bulk(
        panel_sandbox, settings, members, blacklisted, pasted, threshold):
    settings.CAMPAIGN_UPLOAD_THRESHOLD = threshold  # 0: every bulk goes as a file
    BlacklistEntry.objects.all().delete()
    group = Group.objects.create(name="g")
    Member.objects.bulk_create(Member(group=group, msisdn=m) for m in members)
    BlacklistEntry.objects.bulk_create(BlacklistEntry(msisdn=n) for n in blacklisted)
    campaign = campaign_make(groups=[group], pasted_numbers="\n".join(pasted), status="queued")
    before = len(panel_sandbox.requests(path="/api/sender/bulk/send")) + len(
        panel_sandbox.requests(path="/api/upload/bulk"))
    campaign_submit(campaign_id=campaign.pk)
    campaign.refresh_from_db()
    allowed = (set(members) | set(pasted)) - set(blacklisted)
    if not allowed:
        assert campaign.status == Campaign.Status.FAILED
        return
    assert campaign.status == Campaign.Status.SENDING, campaign.failure_reason
    sent = set(Recipient.objects.filter(campaign=campaign).values_list("msisdn", flat=True))
    assert sent == allowed
    logged = (panel_sandbox.requests(path="/api/sender/bulk/send")
              + panel_sandbox.requests(path="/api/upload/bulk"))
    assert len(logged) == before + 1
    with panel_sandbox.client() as api:
        remote = api.get(f"overview/bulks/{campaign.batch_id}").json()
    assert remote["recipientsCount"] == len(allowed)
    assert not set(blacklisted) & set(
        r["msisdn"] for r in (logged[-1].get("json") or {}).get("recipients", []))


def _prepared(**fields):
    """Prepare a campaign; its recipients in order and its counters, or the rendering error."""
    campaign = campaign_make(status="submitting", **fields)
    try:
        audience_prepare(campaign=campaign)
    except RenderingError as error:
        return error.message, campaign.recipients.count()
    campaign.refresh_from_db()
    rows = list(campaign.recipients.order_by("pk").values_list("msisdn", "content", "params"))
    counters = (campaign.invalid_removed, campaign.outside_country_removed,
                campaign.duplicates_removed, campaign.excluded_removed,
                campaign.blacklisted_removed, campaign.prepared_count, campaign.recipients_count)
    return rows, counters


@pytest.mark.django_db
@pytest.mark.parametrize("bulk_type,message,parameter_fields,blank_name", [
    ("STANDARD", "Sale today", [], ""),
    ("PERSONALIZED", "Cześć {name} {surname}, 100% {address}", [], None),
    ("PERSONALIZED", "{surname}: {name}", [], "\u00a0 \t"),  # str.strip() calls it empty
    ("PARAMETRIZED", "Hi $1 $2", ["surname", "name"], None),
    ("PARAMETRIZED", "Hi $1", ["name"], " "),
])
def test_members_rendered_by_the_database_match_the_python_renderer(
        monkeypatch, bulk_type, message, parameter_fields, blank_name):
    first = group_with_members("First", 4)
    # Overlaps First on two numbers with other names: the first group's row (lower pk) wins.
    second = group_with_members("Second", 3, start=500000002)
    Member.objects.create(group=second, msisdn="4915123456789", name="Hans", surname="M")
    excluded = group_with_members("Excluded", 1, start=500000001)
    blacklist("48500000003")
    if blank_name is not None:
        Member.objects.filter(group=second, msisdn="48500000004").update(name=blank_name)
    fields = {"groups": [first, second], "excluded": [excluded], "bulk_type": bulk_type,
              "message": message, "parameter_fields": parameter_fields}
    in_sql = _prepared(**fields)
    monkeypatch.setattr("campaigns.services.audience._member_sql", lambda *args: None)
    in_python = _prepared(**fields)
    assert in_sql == in_python
    if blank_name is None or bulk_type == "STANDARD":
        rows, counters = in_sql
        assert [row[0] for row in rows] == ["48500000000", "48500000002", "48500000004"]
        # invalid, outside the country (Hans, +49), duplicate, excluded, blacklisted
        assert counters == (0, 1, 2, 1, 1, 7, 3)
        if bulk_type == "PERSONALIZED":
            assert rows[1][1] == "Cześć Name2 Surname2, 100% Street 2"
    else:
        assert in_sql == ("1 recipients lack a field the message needs, e.g. 48500000004 (name).", 0)

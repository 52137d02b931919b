"""The compose form: each variant's rules from the manual, checked before anything is sent."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from campaigns.forms import (
    CampaignForm,
    SingleMessageForm,
    numbers_parse,
    parameter_fields_parse,
)
from justsend_panel.sms.justsend.rules import own_sender_errors

pytestmark = pytest.mark.django_db


def compose(files=None, **fields) -> CampaignForm:
    data = {
        "name": "Spring sale", "bulk_type": "STANDARD", "variant": "ECO",
        "message": "Hello", "pasted_numbers": "500 100 200", "when": "now",
        **fields,
    }
    return CampaignForm(data=data, files=files or {})


def errors(form: CampaignForm) -> dict[str, list[str]]:
    assert not form.is_valid()
    return {name: list(messages) for name, messages in form.errors.items()}


def test_minimal_eco_campaign_gives_the_services_model_fields():
    form = compose(sender="IGNORED")
    assert form.is_valid(), form.errors
    data = form.campaign_data()
    assert data["sender"] == ""  # ECO sends from 4777
    assert data["pasted_numbers"] == "+48500100200"  # "+": read again as international
    assert data["scheduled_at"] is None
    assert data["voice_config"] == {} and data["parameter_fields"] == [] and data["country"] == ""


def test_full_needs_one_of_the_ten_headings():
    assert "full_sender" in errors(compose(variant="FULL"))
    assert "full_sender" in errors(compose(variant="FULL", full_sender="MY SHOP"))
    form = compose(variant="FULL", full_sender="SPECIAL OFFER")
    assert form.is_valid(), form.errors
    assert form.campaign_data()["sender"] == "SPECIAL OFFER"


@pytest.mark.parametrize("variant", ["PRO", "PRO_RESP", "INTER"])
def test_own_sender_is_required(variant):
    assert "sender" in errors(compose(variant=variant, country="GERMANY"))


@pytest.mark.parametrize(
    ("sender", "fragment"),
    [
        ("ABCDEFGHIJKL", "at most 11"),
        ("Łódź", "Polish letters (Ł ó ź)"),
        ("500123123", "phone number"),
        ("+48 500-123", "phone number"),
        ("Shop™", "Latin letters"),
    ],
)
def test_own_sender_rules(sender, fragment):
    form_errors = errors(compose(variant="PRO", sender=sender))
    assert any(fragment in message for message in form_errors["sender"]), form_errors


def test_valid_own_sender_is_kept():
    form = compose(variant="PRO", sender="Shop 24")
    assert form.is_valid(), form.errors
    assert form.campaign_data()["sender"] == "Shop 24"


def test_sender_errors_lists_every_problem():
    assert own_sender_errors("ACME") == []
    assert len(own_sender_errors("Żółw sklepowy")) == 2  # too long and Polish letters


def test_inter_needs_a_country_and_poland_is_not_one():
    assert "country" in errors(compose(variant="INTER", sender="ACME"))
    assert "country" in errors(compose(variant="INTER", sender="ACME", country="POLAND"))
    form = compose(variant="INTER", sender="ACME", country="GERMANY", pasted_numbers="+49 1512 3456789")
    assert form.is_valid(), form.errors
    assert form.campaign_data()["country"] == "GERMANY"


VOICE = {
    "variant": "VOICE", "voice_min_period": "1", "voice_max_period": "3", "voice_max_count": "2",
    "voice_pause": "5", "voice_language": "POLISH", "voice_repeat_dtmf": "on",
}


def test_voice_settings_become_the_voice_config():
    form = compose(**VOICE)
    assert form.is_valid(), form.errors
    assert form.campaign_data()["voice_config"] == {
        "repeat_dtmf": True, "min_period": 1, "max_period": 3, "max_count": 2, "pause": 5,
        "voice_language": "POLISH",
    }


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"voice_max_count": "5"}, "voice_max_count"),
        ({"voice_pause": "11"}, "voice_pause"),
        ({"voice_pause": "-1"}, "voice_pause"),
        ({"voice_min_period": "4"}, "voice_max_period"),
        ({"voice_min_period": ""}, "voice_min_period"),
    ],
)
def test_voice_limits(change, field):
    assert field in errors(compose(**{**VOICE, **change}))


def test_voice_settings_are_not_required_for_sms():
    form = compose(voice_pause="99")
    assert "voice_pause" in form.errors  # a bad value is still reported…
    form = compose(voice_pause="")
    assert form.is_valid(), form.errors  # …but an empty one does not matter for ECO


def test_invalid_pasted_numbers_are_listed_back():
    form_errors = errors(compose(pasted_numbers="500 100 200\n12\nabc, 501 200 300"))
    text = " ".join(form_errors["pasted_numbers"])
    assert "“12”" in text and "“abc”" in text
    assert "500 100 200" not in text


def test_pasted_numbers_are_normalised_and_deduplicated():
    numbers, problems = numbers_parse("500 100 200; +48 500-100-200\n0048501200300")
    assert numbers == ["48500100200", "48501200300"] and problems == []


def test_pasted_numbers_split_on_tabs_as_every_numbers_textarea_does():
    # A column pasted from a spreadsheet row: tab-separated.
    numbers, problems = numbers_parse("500 100 200\t501 200 300")
    assert numbers == ["48500100200", "48501200300"] and problems == []


def test_foreign_pasted_numbers_stay_foreign_once_normalised():
    """Issue 13 point 3: the normalised value was parsed again in region PL."""
    form = compose(variant="INTER", sender="ACME", country="SLOVAKIA",
                   pasted_numbers="+421 905 123 456\n00420 601 123 456")
    assert form.is_valid(), form.errors
    assert form.campaign_data()["pasted_numbers"] == "+421905123456\n+420601123456"


def test_an_audience_is_required(customers):
    assert "__all__" in errors(compose(pasted_numbers=""))
    form = compose(pasted_numbers="", groups=[customers.pk])
    assert form.is_valid(), form.errors


def test_a_group_cannot_be_targeted_and_excluded(customers):
    assert "excluded_groups" in errors(compose(groups=[customers.pk], excluded_groups=[customers.pk]))


def test_parametrized_maps_every_parameter():
    assert "message" in errors(compose(bulk_type="PARAMETRIZED", message="No parameters"))
    form_errors = errors(compose(bulk_type="PARAMETRIZED", message="Hi $1, code $2", parameter_fields="name"))
    assert "$2" in form_errors["parameter_fields"][0]
    form = compose(bulk_type="PARAMETRIZED", message="Hi $1, code $2", parameter_fields="name, code")
    assert form.is_valid(), form.errors
    assert form.campaign_data()["parameter_fields"] == ["name", "attr:code"]
    assert parameter_fields_parse(" surname ,, attr:x ") == ["surname", "attr:x"]


@pytest.mark.parametrize("message", ["Hi {name", "Hi {first name}", "Hi {}"])
def test_personalized_placeholders_must_be_field_names(message):
    assert "message" in errors(compose(bulk_type="PERSONALIZED", message=message))


def test_personalized_template_is_kept_as_written():
    form = compose(bulk_type="PERSONALIZED", message="Hi {name} from {city}")
    assert form.is_valid(), form.errors
    assert form.campaign_data()["message"] == "Hi {name} from {city}"


def test_message_line_ends_are_those_the_counter_saw():
    form = compose(message="one\r\ntwo\rthree")
    assert form.is_valid(), form.errors
    assert form.campaign_data()["message"] == "one\ntwo\nthree"
    assert "message" in errors(compose(message="  \r\n "))


def test_schedule_is_read_in_the_panel_time_zone_and_must_be_future(settings):
    assert settings.TIME_ZONE == "Europe/Warsaw"
    assert "scheduled_at" in errors(compose(when="later"))
    past = timezone.localtime() - timedelta(hours=1)
    assert "scheduled_at" in errors(compose(when="later", scheduled_at=past.strftime("%Y-%m-%dT%H:%M")))
    local = (timezone.localtime() + timedelta(days=2)).replace(hour=10, minute=0, second=0, microsecond=0)
    form = compose(when="later", scheduled_at=local.strftime("%Y-%m-%dT%H:%M"))
    assert form.is_valid(), form.errors
    when = form.campaign_data()["scheduled_at"]
    assert when == datetime(local.year, local.month, local.day, 10, 0, tzinfo=ZoneInfo("Europe/Warsaw"))


def test_a_date_is_ignored_when_sending_now():
    future = (timezone.localtime() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    form = compose(when="now", scheduled_at=future)
    assert form.is_valid(), form.errors
    assert form.campaign_data()["scheduled_at"] is None


def _csv(content: str, name="audience.csv") -> dict:
    return {"audience_file": SimpleUploadedFile(name, content.encode("utf-8"), content_type="text/csv")}


def test_csv_with_a_header_maps_its_columns():
    form = compose(pasted_numbers="", files=_csv("Name;Phone;City\nAnn;500100200;Kraków\nBob;501200300;Gdańsk\n"))
    assert form.is_valid(), form.errors
    data = form.campaign_data()
    assert data["audience_delimiter"] == ";" and data["audience_has_header"] is True
    assert data["audience_mapping"] == {"0": "name", "1": "msisdn", "2": "attr:city"}
    assert data["audience_file_name"] == "audience.csv"


def test_csv_without_a_header_finds_the_number_column():
    form = compose(pasted_numbers="", files=_csv("x,500100200\ny,501200300\n"))
    assert form.is_valid(), form.errors
    data = form.campaign_data()
    assert data["audience_has_header"] is False and data["audience_mapping"] == {"1": "msisdn"}


def test_csv_without_numbers_is_refused():
    form_errors = errors(compose(pasted_numbers="", files=_csv("a,b\nc,d\n")))
    assert "phone numbers" in form_errors["audience_file"][0]


def test_a_spreadsheet_is_refused_with_a_reason():
    form_errors = errors(compose(pasted_numbers="", files={
        "audience_file": SimpleUploadedFile("list.xlsx", b"PK\x03\x04" + b"\x00" * 100)
    }))
    assert "Excel" in form_errors["audience_file"][0]


def test_single_message_form_has_no_voice_or_inter():
    choices = {value for value, _ in SingleMessageForm().fields["variant"].choices}
    assert "VOICE" not in choices and "INTER" not in choices and "PRO" in choices
    form = SingleMessageForm(data={"msisdn": "500100200", "variant": "PRO", "sender": "Łódź", "content": "x"})
    assert not form.is_valid() and "sender" in form.errors

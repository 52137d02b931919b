import pytest

from justsend_panel.sms.registry import vocabulary
from justsend_panel.sms.smsby.statuses import map_status
from justsend_panel.sms.smsby.vocabulary import validate_options, validate_otp_code
from justsend_panel.sms.types import MessageState


def test_the_apps_reach_the_rules_through_the_registry():
    assert vocabulary("smsby").validate_otp_code is validate_otp_code


@pytest.mark.parametrize(("raw", "state"), [
    ("NEW", MessageState.QUEUED), ("moderated", MessageState.QUEUED), ("sent", MessageState.SENT),
    ("DELIVERED", MessageState.DELIVERED), ("delivered", MessageState.DELIVERED),
    ("NOT_DELIVERED", MessageState.UNDELIVERED), ("not delivered", MessageState.UNDELIVERED),
    ("UNDELIVERED", MessageState.UNDELIVERED), ("EXPIRED", MessageState.EXPIRED),
    ("REJECTED", MessageState.REJECTED), ("error", MessageState.FAILED),
])
def test_status_map(raw, state):
    assert map_status(raw) is state


@pytest.mark.parametrize("raw", ["WHATEVER", "", None, 3])
def test_an_unknown_status_maps_to_none(raw):
    assert map_status(raw) is None


def test_forwarding_options_are_cleaned():
    assert validate_options({"alphaname_id": "12", "forwarding_message": True, "forwarding_time": 5,
                             "vibername_id": 3, "show_cost": False}) == {
        "alphaname_id": 12, "forwarding_message": True, "forwarding_time": 5, "vibername_id": 3}


@pytest.mark.parametrize(("options", "problem"), [
    ({"forwarding_message": True, "forwarding_time": 4, "vibername_id": 1}, "5 to 60"),
    ({"forwarding_message": True, "forwarding_time": 61, "vibername_id": 1}, "5 to 60"),
    ({"forwarding_message": True}, "Viber name"),
    ({"forwarding_time": 10}, "only taken with Viber forwarding"),
    ({"vibername_id": 2}, "only taken with Viber forwarding"),
    ({"alphaname_id": "abc"}, "alphaname_id must be"),
    ({"alphaname_id": 0}, "alphaname_id must be"),
    ({"forwarding_message": "yes"}, "true or false"),
    ({"flow": ["sms"]}, "Unknown SMS.by options"),
])
def test_option_problems_are_listed_in_plain_english(options, problem):
    with pytest.raises(ValueError) as caught:
        validate_options(options)
    assert any(problem in item for item in caught.value.args[0])


@pytest.mark.parametrize("code", ["1", "0000", "1234567890123456"])
def test_otp_codes_of_1_to_16_digits_pass(code):
    assert validate_otp_code(code) == code


@pytest.mark.parametrize("code", ["", "12345678901234567", "12 34", "abc", "１２３", 1234])
def test_otp_codes_are_digits_only_at_most_16(code):
    with pytest.raises(ValueError):
        validate_otp_code(code)

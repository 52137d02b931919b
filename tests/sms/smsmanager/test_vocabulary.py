"""SMS Manager's vocabulary: options checked as strictly as the manual states them."""

import pytest

from justsend_panel.sms.registry import vocabulary
from justsend_panel.sms.smsmanager import vocabulary as smsmanager_vocabulary


def test_the_registry_hands_out_the_module():
    assert vocabulary("smsmanager") is smsmanager_vocabulary
    assert {c.value for c in smsmanager_vocabulary.Channel} >= {"sms", "viber", "whatsapp"}
    assert [t.value for t in smsmanager_vocabulary.Tag] == ["priority", "transactional"]


@pytest.mark.parametrize(
    ("options", "cleaned"),
    [
        ({}, {}),
        (None, {}),
        ({"tag": ""}, {}),
        ({"flow": None, "tag": None}, {}),
        ({"flow": ["viber", "sms"]}, {"flow": ["viber", "sms"]}),
        ({"flow": ("sms",), "tag": "priority"}, {"flow": ["sms"], "tag": "priority"}),
        ({"tag": "transactional"}, {"tag": "transactional"}),
    ],
)
def test_valid_options_come_back_cleaned(options, cleaned):
    assert smsmanager_vocabulary.validate_options(options) == cleaned


@pytest.mark.parametrize(
    ("options", "problem"),
    [
        ({"flow": []}, "must not be empty"),
        ({"flow": "sms"}, "must be a list"),
        ({"flow": ["sms", "pigeon"]}, "Unknown channels: pigeon"),
        ({"flow": ["sms", "sms"]}, "only once"),
        ({"tag": "urgent"}, "Unknown tag 'urgent'"),
        ({"variant": "ECO"}, "Unknown SMS Manager options: variant"),
    ],
)
def test_invalid_options_raise_a_list_of_problems(options, problem):
    with pytest.raises(ValueError) as raised:
        smsmanager_vocabulary.validate_options(options)
    problems = raised.value.args[0]
    assert isinstance(problems, list)
    assert any(problem in item for item in problems), problems


def test_every_problem_is_listed_at_once():
    with pytest.raises(ValueError) as raised:
        smsmanager_vocabulary.validate_options({"flow": [], "tag": "x"})
    assert len(raised.value.args[0]) == 2

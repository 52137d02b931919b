import pytest

from campaigns.exceptions import CampaignError
from campaigns.models import Campaign
from campaigns.services.rendering import MissingField, parameters_used, renderer_for, template_compile


def test_personalized_template_uses_member_fields_and_attributes():
    template = template_compile("Hi {name} {surname}, your code in {city} is ready")
    text = template.render({"name": "Anna", "surname": "Nowak", "city": "Kraków"})
    assert text == "Hi Anna Nowak, your code in Kraków is ready"
    assert template.fields == {"name", "surname", "city"}


@pytest.mark.parametrize("fields", [{"name": "Anna"}, {"name": "Anna", "surname": "  "}])
def test_a_missing_or_blank_field_is_an_error_not_a_blank(fields):
    with pytest.raises(MissingField) as raised:
        template_compile("Hi {name} {surname}").render(fields)
    assert raised.value.field == "surname"


def test_parametrized_maps_dollar_parameters_to_fields_in_order():
    campaign = Campaign(bulk_type="PARAMETRIZED", message="Hi $1, code $2",
                        parameter_fields=["name", "attr:code", "surname"])
    renderer = renderer_for(campaign)
    assert renderer.content({"name": "Jan", "code": "X1", "surname": "K"}) == ("", ["Jan", "X1"])
    with pytest.raises(MissingField):
        renderer.content({"name": "Jan"})


def test_parametrized_refuses_a_parameter_without_a_field():
    campaign = Campaign(bulk_type="PARAMETRIZED", message="Hi $1, code $3", parameter_fields=["name"])
    assert parameters_used(campaign.message) == 3
    with pytest.raises(CampaignError, match=r"\$3"):
        renderer_for(campaign)


def test_standard_message_is_not_templated():
    renderer = renderer_for(Campaign(bulk_type="STANDARD", message="Price {name}"))
    assert renderer.content({}) == ("", None)

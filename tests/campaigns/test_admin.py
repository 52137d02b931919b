"""The campaign admin's form applies the same sender and country rules as the pages."""

import pytest
from django.contrib import admin
from django.test import RequestFactory

from campaigns.models import Campaign

pytestmark = pytest.mark.django_db


def _admin_form(administrator, **fields):
    request = RequestFactory().post("/")
    request.user = administrator
    model_admin = admin.site._registry[Campaign]
    form_class = model_admin.get_form(request, obj=None)
    data = {"name": "Sale", "bulk_type": "STANDARD", "variant": "ECO", "message": "Hi",
            "voice_config": "{}", "parameter_fields": "[]", "audience_mapping": "{}",
            "audience_has_header": "on", **fields}
    return form_class(data=data)


@pytest.mark.parametrize("fields,field,error", [
    ({"variant": "FULL", "sender": "MY SHOP"}, "sender", "ten headings"),
    ({"variant": "INTER", "sender": "", "country": "SLOVAKIA"}, "sender", "own sender ID"),
    ({"variant": "PRO", "sender": "Łódź"}, "sender", "Polish letters"),
    ({"variant": "INTER", "sender": "ACME", "country": ""}, "country", "INTER needs the country"),
])
def test_admin_form_refuses_what_the_rules_refuse(administrator, fields, field, error):
    form = _admin_form(administrator, **fields)
    assert not form.is_valid()
    assert error in " ".join(form.errors[field])


def test_admin_form_takes_a_valid_inter_campaign(administrator):
    form = _admin_form(administrator, variant="INTER", sender="ACME", country="SLOVAKIA")
    assert form.is_valid(), form.errors

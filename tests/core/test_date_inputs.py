"""Every date and date-time input the panel renders carries an ISO value in both languages:
``<input type=date>`` takes only yyyy-MM-dd, so a localised value ("03.11.2026") is
dropped by the browser and the next submit loses the range."""

import importlib
import pkgutil
import re
from datetime import date, datetime

import django_filters
import pytest
from django import forms
from django.apps import apps
from django.utils import timezone, translation

from campaigns.statistics.selectors import MAX_RANGE_DAYS

PANEL_APPS = ("campaigns", "contacts", "billing", "justsend_panel.core")
DAY = date(2026, 11, 3)
MOMENT = datetime(2026, 11, 3, 9, 5)


def _panel_modules():
    for app in apps.get_app_configs():
        if not app.name.startswith(PANEL_APPS):
            continue
        package = importlib.import_module(app.name)
        for info in pkgutil.walk_packages(package.__path__, prefix=f"{app.name}."):
            if info.name.rsplit(".", 1)[-1] in ("forms", "filters") or ".filters" in info.name or ".forms" in info.name:
                yield importlib.import_module(info.name)


def _subclasses(base):
    for cls in base.__subclasses__():
        yield cls
        yield from _subclasses(cls)


def date_widgets():
    """(class name, field name, widget) for every date/date-time widget of the panel's forms and filters."""
    list(_panel_modules())
    found = []
    for cls in set(_subclasses(forms.BaseForm)) | set(_subclasses(django_filters.FilterSet)):
        if not cls.__module__.startswith(PANEL_APPS):
            continue
        if issubclass(cls, django_filters.FilterSet):
            fields = {name: f.field for name, f in cls.base_filters.items()}
        else:
            fields = cls.base_fields
        for name, field in fields.items():
            widgets = getattr(field.widget, "widgets", [field.widget])
            for widget in widgets:
                # The browser's own pickers; admin's text inputs take any format Django parses.
                if widget.attrs.get("type", getattr(widget, "input_type", "")) in ("date", "datetime-local"):
                    found.append((f"{cls.__module__}.{cls.__name__}", name, widget))
    return found


WIDGETS = date_widgets()


def test_the_walk_finds_the_panels_date_fields():
    owners = {owner for owner, _name, _widget in WIDGETS}
    assert {"campaigns.statistics.filters.StatisticsFilter", "campaigns.filters.CampaignFilter",
            "billing.filters.TransactionFilterForm", "campaigns.forms.CampaignForm"} <= owners, owners
    assert len(WIDGETS) >= 9


@pytest.mark.parametrize("language", ["en", "pl"])
@pytest.mark.parametrize(("owner", "name", "widget"), WIDGETS, ids=[f"{o}.{n}" for o, n, _w in WIDGETS])
def test_a_date_widget_renders_an_iso_value(owner, name, widget, language):
    with translation.override(language):
        if widget.attrs.get("type", widget.input_type) == "datetime-local":
            html = widget.render(name, MOMENT)
            assert 'type="datetime-local"' in html and 'value="2026-11-03T09:05"' in html, html
        else:
            html = widget.render(name, DAY)
            assert 'type="date"' in html and 'value="2026-11-03"' in html, html


@pytest.mark.django_db
def test_polish_statistics_keep_a_custom_range_across_a_filter_change(marketing_client):
    today = timezone.localdate()
    start = today.replace(day=1) if today.day > 1 else today
    query = {"date_from": start.isoformat(), "date_to": today.isoformat(), "source": "local"}

    page = marketing_client.get("/campaigns/statistics/", query, HTTP_ACCEPT_LANGUAGE="pl").content.decode()

    shown = {name: re.search(rf'name="{name}"[^>]*value="([^"]*)"|value="([^"]*)"[^>]*name="{name}"', page)
             for name in ("date_from", "date_to")}
    values = {name: next(g for g in match.groups() if g) for name, match in shown.items()}
    assert values == {"date_from": start.isoformat(), "date_to": today.isoformat()}
    # The next "Pokaż" sends back what the inputs hold, with another variant chosen.
    again = marketing_client.get("/campaigns/statistics/", {**values, "source": "local", "variant": "PRO"},
                                 HTTP_ACCEPT_LANGUAGE="pl")
    kept = again.context["statistics"].query
    assert (kept.start, kept.end) == (start, today)
    assert (today - start).days < MAX_RANGE_DAYS

"""The Statistics page's filters: a date range, a variant, a provider and where the figures
come from."""

from __future__ import annotations

from datetime import timedelta

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from campaigns.models import Campaign
from campaigns.statistics.selectors import DEFAULT_DAYS, MAX_RANGE_DAYS, Source, StatsQuery, stats_query_default
from campaigns.templatetags.provider_labels import provider_label
from justsend_panel.core.forms import IsoDateInput
from justsend_panel.core.provider import provider_registry

SOURCE_CHOICES = [
    (Source.JUSTSEND, _("Justsend (every message of the account)")),
    (Source.LOCAL, _("This panel (its campaigns' counters)")),
]


def provider_filter_choices() -> list[tuple[str, str]]:
    """The enabled providers as (name, label), the panel's order (read per request: the
    Providers settings may change)."""
    return [(name, provider_label(name)) for name in provider_registry().enabled()]


class StatisticsFilterForm(forms.Form):
    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end:
            if start > end:
                raise forms.ValidationError(_("The start date must not be after the end date."))
            if (end - start).days + 1 > MAX_RANGE_DAYS:
                raise forms.ValidationError(
                    _("Choose at most %(days)s days.") % {"days": MAX_RANGE_DAYS}
                )
        return cleaned


def _ignore(queryset, name, value):
    # The figures are aggregated by the selectors; the filter set only validates.
    return queryset


class StatisticsFilter(django_filters.FilterSet):
    date_from = django_filters.DateFilter(
        method=_ignore, label=_("From"),
        widget=IsoDateInput(attrs={"class": "form-control"}),
    )
    date_to = django_filters.DateFilter(
        method=_ignore, label=_("To"),
        widget=IsoDateInput(attrs={"class": "form-control"}),
    )
    variant = django_filters.ChoiceFilter(
        method=_ignore, choices=Campaign.Variant.choices, label=_("Variant"),
        empty_label=_("Every variant"), widget=forms.Select(attrs={"class": "form-select"}),
    )
    provider = django_filters.ChoiceFilter(
        method=_ignore, choices=provider_filter_choices, label=_("Provider"),
        empty_label=_("Every provider"), widget=forms.Select(attrs={"class": "form-select"}),
    )
    source = django_filters.ChoiceFilter(
        method=_ignore, choices=SOURCE_CHOICES, label=_("Figures from"), empty_label=None,
        widget=forms.Select(attrs={"class": "form-select"}),
    )

    class Meta:
        model = Campaign
        fields = ["date_from", "date_to", "variant", "provider", "source"]
        form = StatisticsFilterForm

    def stats_query(self) -> tuple[StatsQuery, str] | None:
        """The query the form asks for (defaults for what is left empty); None if invalid."""
        if self.is_bound and not self.is_valid():
            return None
        data = self.form.cleaned_data if self.is_bound else {}
        start, end = data.get("date_from"), data.get("date_to")
        span = timedelta(days=DEFAULT_DAYS - 1)
        if start is None and end is None:
            default = stats_query_default()
            start, end = default.start, default.end
        elif end is None:
            end = start + span
        elif start is None:
            start = end - span
        return (
            StatsQuery(start=start, end=end, variant=data.get("variant") or None,
                       provider=data.get("provider") or None),
            data.get("source") or Source.JUSTSEND,
        )

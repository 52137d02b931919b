import datetime

import django_filters
from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from justsend_panel.audit.actions import Action
from justsend_panel.audit.models import AuditEntry
from justsend_panel.audit.selectors import audit_object_types

# ISO values in every language: a type="date" input wants yyyy-mm-dd.
DATE_WIDGET = forms.DateInput(format="%Y-%m-%d", attrs={"type": "date", "class": "form-control"})


def _day_start(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


class AuditEntryFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        method="filter_search", label=_("Search"),
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )
    actor = django_filters.ModelChoiceFilter(
        label=_("User"), queryset=get_user_model().objects.order_by("username"),
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    action = django_filters.ChoiceFilter(
        label=_("Action"), choices=Action.choices,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    object_type = django_filters.ChoiceFilter(
        label=_("Object type"), choices=audit_object_types,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    object_id = django_filters.CharFilter(widget=forms.HiddenInput)
    date_from = django_filters.DateFilter(
        method="filter_from", label=_("From"), widget=DATE_WIDGET)
    date_to = django_filters.DateFilter(method="filter_to", label=_("To"), widget=DATE_WIDGET)

    class Meta:
        model = AuditEntry
        fields = ["q", "actor", "action", "object_type", "object_id", "date_from", "date_to"]

    # A range on the column itself (not on its date): the (…, at) indexes serve it.
    def filter_from(self, queryset, name, value):
        return queryset.filter(at__gte=_day_start(value))

    def filter_to(self, queryset, name, value):
        return queryset.filter(at__lt=_day_start(value + datetime.timedelta(days=1)))

    def filter_search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(summary__icontains=value) | Q(object_label__icontains=value)
            | Q(summary_params__icontains=value) | Q(object_id=value)
        )

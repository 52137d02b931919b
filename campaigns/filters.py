import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from campaigns.models import Campaign, Recipient
from justsend_panel.core.forms import IsoDateInput


class CampaignFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        field_name="name", lookup_expr="icontains", label=_("Name"),
        widget=forms.TextInput(attrs={"class": "form-control", "placeholder": _("Search by name")}),
    )
    status = django_filters.ChoiceFilter(
        choices=Campaign.Status.choices, label=_("Status"), empty_label=_("Any status"),
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    variant = django_filters.ChoiceFilter(
        choices=Campaign.Variant.choices, label=_("Variant"), empty_label=_("Any variant"),
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    date_from = django_filters.DateFilter(
        method="filter_date_from", label=_("From"),
        widget=IsoDateInput(attrs={"class": "form-control"}),
    )
    date_to = django_filters.DateFilter(
        method="filter_date_to", label=_("To"),
        widget=IsoDateInput(attrs={"class": "form-control"}),
    )

    class Meta:
        model = Campaign
        fields = ["q", "status", "variant", "date_from", "date_to"]

    # "Date" is when the campaign goes out: its schedule, else when it was created.
    def filter_date_from(self, queryset, name, value):
        return queryset.filter(
            Q(scheduled_at__date__gte=value) | Q(scheduled_at__isnull=True, created_at__date__gte=value)
        )

    def filter_date_to(self, queryset, name, value):
        return queryset.filter(
            Q(scheduled_at__date__lte=value) | Q(scheduled_at__isnull=True, created_at__date__lte=value)
        )


class RecipientFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(
        choices=Recipient.Status.choices, label=_("Status"), empty_label=_("Any status"),
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    msisdn = django_filters.CharFilter(
        lookup_expr="startswith", label=_("Number"),
        widget=forms.TextInput(attrs={"class": "form-control", "placeholder": _("Number starts with")}),
    )

    class Meta:
        model = Recipient
        fields = ["status", "msisdn"]

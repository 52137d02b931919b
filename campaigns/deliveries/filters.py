import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from campaigns.deliveries.models import Reply
from contacts.selectors import number_search_q
from justsend_panel.sms.registry import vocabulary
from justsend_panel.core.forms import IsoDateInput

JS = vocabulary("justsend")
PlatformType = JS.PlatformType


class ReplyFilter(django_filters.FilterSet):
    msisdn = django_filters.CharFilter(
        method="filter_msisdn", label=_("Number"),
        widget=forms.TextInput(attrs={"class": "form-control", "placeholder": "48500123123"}),
    )
    message = django_filters.CharFilter(
        lookup_expr="icontains", label=_("Text contains"),
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )
    is_stop = django_filters.BooleanFilter(
        label=_("STOP"),
        widget=forms.Select(attrs={"class": "form-select"}, choices=[
            ("", _("Any reply")), ("true", _("STOP only")), ("false", _("Not STOP"))]),
    )
    date_from = django_filters.DateFilter(
        field_name="received_at", lookup_expr="date__gte", label=_("From"),
        widget=IsoDateInput(attrs={"class": "form-control"}),
    )
    date_to = django_filters.DateFilter(
        field_name="received_at", lookup_expr="date__lte", label=_("To"),
        widget=IsoDateInput(attrs={"class": "form-control"}),
    )

    class Meta:
        model = Reply
        fields = ["msisdn", "message", "is_stop", "date_from", "date_to"]

    def filter_msisdn(self, queryset, name, value):
        # The panel's number search (a whole number or its beginning, over the index).
        condition = number_search_q(value)
        if condition is None:
            return queryset.none() if value.strip() else queryset
        return queryset.filter(condition)


class KeywordResponseFilter(django_filters.FilterSet):
    """The filters of ``GET /overview/keyword-response``; Justsend applies them, not the ORM.

    Used for its validated form only (the view builds a ``KeywordQuery`` from it): there is
    no local queryset.
    """

    keyword = django_filters.CharFilter(
        label=_("Keyword"), widget=forms.TextInput(attrs={"class": "form-control"}))
    msisdn = django_filters.CharFilter(
        label=_("Number"), widget=forms.TextInput(attrs={"class": "form-control"}))
    email = django_filters.CharFilter(
        label=_("E-mail"), widget=forms.TextInput(attrs={"class": "form-control"}))
    response_message = django_filters.CharFilter(
        label=_("Automatic reply"), widget=forms.TextInput(attrs={"class": "form-control"}))
    date_from = django_filters.DateFilter(
        label=_("From"), widget=IsoDateInput(attrs={"class": "form-control"}))
    date_to = django_filters.DateFilter(
        label=_("To"), widget=IsoDateInput(attrs={"class": "form-control"}))
    platform_type = django_filters.ChoiceFilter(
        label=_("Platform"), choices=[(p.value, p.value) for p in PlatformType],
        empty_label=None, widget=forms.Select(attrs={"class": "form-select"}))

    class Meta:
        model = Reply  # django-filter needs a model; the queryset is never read
        fields: list[str] = []

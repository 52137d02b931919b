import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from justsend_panel.core.forms import BootstrapForm
from contacts.models import COUNTRY_CHOICES, BlacklistEntry, Group, Member, SyncState
from contacts.selectors import member_search_q, number_search_q


class GroupFilter(django_filters.FilterSet):
    name = django_filters.CharFilter(label=_("Name"), lookup_expr="icontains")
    group_type = django_filters.ChoiceFilter(label=_("Type"), choices=Group.Type.choices,
                                             empty_label=_("Any type"))
    sync_state = django_filters.ChoiceFilter(label=_("Sync"), choices=SyncState.choices,
                                             empty_label=_("Any sync state"))

    class Meta:
        model = Group
        form = BootstrapForm
        fields = ["name", "group_type", "sync_state"]


class MemberFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Number or name"), method="search",
        widget=forms.TextInput(attrs={"placeholder": _("500 123 123, +49…, Kowalski")}),
    )

    class Meta:
        model = Member
        form = BootstrapForm
        fields = ["q"]

    def search(self, queryset, name, value):
        return queryset.filter(member_search_q(value)) if value.strip() else queryset


class BlacklistFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Number"), method="search")
    reason = django_filters.ChoiceFilter(label=_("Reason"), choices=BlacklistEntry.Reason.choices,
                                         empty_label=_("Any reason"))
    country = django_filters.ChoiceFilter(label=_("Country"), choices=COUNTRY_CHOICES,
                                          empty_label=_("Any country"))
    sync_state = django_filters.ChoiceFilter(label=_("Sync"), choices=SyncState.choices,
                                             empty_label=_("Any sync state"))

    class Meta:
        model = BlacklistEntry
        form = BootstrapForm
        fields = ["q", "reason", "country", "sync_state"]

    def search(self, queryset, name, value):
        condition = number_search_q(value)
        if condition is None:
            return queryset.none() if value.strip() else queryset
        return queryset.filter(condition)

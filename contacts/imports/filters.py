import django_filters
from django.utils.translation import gettext_lazy as _

from contacts.models import Group, Import


class ImportFilter(django_filters.FilterSet):
    original_name = django_filters.CharFilter(
        label=_("File name"), lookup_expr="icontains"
    )
    group = django_filters.ModelChoiceFilter(
        label=_("Group"), queryset=Group.objects.order_by("name"), empty_label=_("Any group")
    )
    state = django_filters.ChoiceFilter(label=_("State"), choices=Import.State.choices,
                                        empty_label=_("Any state"))

    class Meta:
        model = Import
        fields = ("original_name", "group", "state")

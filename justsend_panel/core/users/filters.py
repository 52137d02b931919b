import django_filters
from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from justsend_panel.core.forms import BootstrapForm
from justsend_panel.core.users.roles import ROLE_GROUPS, Role

NO_ROLE = "none"


class UserFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Name, e-mail or username"), method="search")
    role = django_filters.ChoiceFilter(
        label=_("Role"), choices=[*Role.choices, (NO_ROLE, _("No role"))], method="filter_role",
        empty_label=_("Any"),
    )
    is_active = django_filters.BooleanFilter(
        label=_("Active"),
        widget=forms.Select(
            choices=[("", _("Any")), ("true", _("Active")), ("false", _("Deactivated"))]
        ),
    )

    class Meta:
        model = get_user_model()
        form = BootstrapForm
        fields = ["q", "role", "is_active"]

    def search(self, queryset, name, value):
        condition = Q()
        for word in value.split():
            condition &= (
                Q(first_name__icontains=word) | Q(last_name__icontains=word)
                | Q(email__icontains=word) | Q(username__icontains=word)
            )
        return queryset.filter(condition)

    def filter_role(self, queryset, name, value):
        if value == NO_ROLE:
            return queryset.exclude(groups__name__in=ROLE_GROUPS)
        return queryset.filter(groups__name=value)

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from contacts.models import Import


class ImportTable(tables.Table):
    original_name = tables.Column(
        verbose_name=_("File"),
        linkify=("contacts:import_detail", {"pk": tables.A("pk")}),
    )
    group = tables.Column(verbose_name=_("Group"), order_by=("group__name",))
    state = tables.Column(verbose_name=_("State"))
    total_rows = tables.Column(verbose_name=_("Rows"))
    created_by = tables.Column(verbose_name=_("Uploaded by"))
    created_at = tables.DateTimeColumn(verbose_name=_("Uploaded"), short=True)

    class Meta:
        model = Import
        fields = ("original_name", "group", "state", "total_rows", "created_by", "created_at")
        template_name = "django_tables2/bootstrap5.html"
        attrs = {"class": "table table-sm table-hover align-middle"}
        order_by = ("-created_at",)
        empty_text = _("No imports yet.")

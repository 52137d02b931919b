import django_tables2 as tables
from django.contrib.auth import get_user_model
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from justsend_panel.core import formatting
from justsend_panel.core.users.roles import Role
from justsend_panel.core.users.selectors import user_role_get, users_locked_out


def _badge(css: str, text) -> str:
    return format_html('<span class="badge {}">{}</span>', css, text)


class UserTable(tables.Table):
    name = tables.Column(
        verbose_name=pgettext_lazy("person", "Name"), accessor="last_name",
        order_by=("last_name", "first_name"),
        linkify=("users:user_detail", {"pk": tables.A("pk")}),
    )
    email = tables.Column(verbose_name=_("E-mail"))
    username = tables.Column(
        verbose_name=_("Username"), linkify=("users:user_detail", {"pk": tables.A("pk")})
    )
    role = tables.Column(verbose_name=_("Role"), accessor="pk", orderable=False)
    last_login = tables.Column(verbose_name=_("Last login"))
    is_active = tables.Column(verbose_name=_("Active"))
    locked_out = tables.Column(verbose_name=pgettext_lazy("users list column", "Locked out"), accessor="pk", orderable=False)

    class Meta:
        model = get_user_model()
        fields = ["name", "email", "username", "role", "last_login", "is_active", "locked_out"]
        template_name = "django_tables2/bootstrap5.html"
        attrs = {"class": "table table-hover align-middle mb-0", "data-testid": "user-table"}
        empty_text = _("No users match.")
        per_page = 25

    def before_render(self, request):
        # One query for the rows on this page, not one per row.
        self.locked = users_locked_out(row.record.username for row in self.page.object_list)

    def render_name(self, record):
        return record.get_full_name() or "—"

    def render_role(self, record):
        role = user_role_get(record)
        if not role:
            return _badge("text-bg-warning", _("no role"))
        return Role(role).label

    def render_last_login(self, value):
        return formatting.when(value)

    def render_is_active(self, value):
        return _badge("text-bg-success", _("active")) if value else _badge(
            "text-bg-secondary", _("deactivated")
        )

    def render_locked_out(self, record):
        if record.username in getattr(self, "locked", ()):
            return _badge("text-bg-danger", _("locked out"))
        return ""

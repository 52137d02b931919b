import django_tables2 as tables
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _

from contacts.models import BlacklistEntry, Group, Member
from contacts.phones import msisdn_parse
from justsend_panel.core.numbers import number_link

SYNC_BADGES = {"synced": "text-bg-success", "error": "text-bg-danger", "pending": "text-bg-secondary"}

# A row's actions: kept in view on a phone while the rest of the row scrolls (panel.css).
ROW_ACTIONS = {"th": {"class": "row-actions"}, "td": {"class": "row-actions text-nowrap"}}


class SelectionColumn(tables.CheckBoxColumn):
    def __init__(self, **kwargs):
        super().__init__(
            accessor="pk",
            attrs={
                "th__input": {"data-select-all": "selected", "aria-label": _("Select all")},
                "td__input": {"name": "selected", "aria-label": _("Select")},
            },
            **kwargs,
        )


def number_html(msisdn: str, *, blacklisted: bool = False):
    """A number with its flags: blacklisted, or unable to receive SMS (a fixed line)."""
    flags = []
    if blacklisted:
        flags.append(("text-bg-dark", _("blacklisted")))
    if not msisdn_parse("+" + msisdn).sms_capable:
        flags.append(("text-bg-warning", _("no SMS (landline)")))
    return format_html(
        "{} {}", number_link(msisdn),
        format_html_join(" ", '<span class="badge {}">{}</span>', flags),
    )


def sync_badge(record):
    """Where a group or blacklist entry stands with Justsend: a badge (green synced, red
    error, grey pending), and under it the error, or what a pending retry is waiting on.
    Python, not a template: the tables draw it on every row; the group page too."""
    state = record.sync_state
    if state == "synced":
        when = record.synced_at
        title = (
            _("Synced %(when)s") % {"when": date_format(localtime(when), "SHORT_DATETIME_FORMAT")}
            if when else ""
        )
    else:
        title = record.sync_error
    badge = format_html(
        '<span class="badge {}" title="{}">{}</span>',
        SYNC_BADGES.get(state, "text-bg-secondary"), title, record.get_sync_state_display(),
    )
    if state == "synced" or not record.sync_error:
        return badge
    if state == "error":
        return format_html(
            '{} <span class="small text-danger d-block text-truncate sync-error">{}</span>',
            badge, record.sync_error,
        )
    return format_html(
        '{} <span class="small text-body-secondary d-block text-truncate sync-error">{} {}</span>',
        badge, _("will retry:"), record.sync_error,
    )


class SyncStateColumn(tables.Column):
    def __init__(self, **kwargs):
        super().__init__(verbose_name=_("Sync"), **kwargs)

    def render(self, record, value):
        return sync_badge(record)


class GroupTable(tables.Table):
    name = tables.Column(linkify=("contacts:group_detail", {"pk": tables.A("pk")}))
    member_count = tables.Column(verbose_name=_("Members"), attrs={"td": {"class": "text-end"}})
    sync_state = SyncStateColumn()
    actions = tables.TemplateColumn(
        template_name="contacts/_group_actions.html", verbose_name="", orderable=False,
        attrs=ROW_ACTIONS,
    )

    class Meta:
        model = Group
        fields = ["name", "group_type", "country", "member_count", "sync_state", "remote_id"]
        template_name = "django_tables2/bootstrap5.html"
        attrs = {"class": "table table-hover align-middle mb-0", "data-testid": "group-table"}
        empty_text = _("No groups match.")
        per_page = 25


class MemberTable(tables.Table):
    selected = SelectionColumn()
    msisdn = tables.Column(verbose_name=_("Number"), orderable=True)
    attributes = tables.Column(verbose_name=_("Attributes"), orderable=False)
    actions = tables.TemplateColumn(
        template_name="contacts/_member_actions.html", verbose_name="", orderable=False,
        attrs=ROW_ACTIONS,
    )

    class Meta:
        model = Member
        # Only the number sorts: the (group, msisdn) index serves it at a million rows.
        fields = ["selected", "msisdn", "name", "surname", "address", "attributes"]
        orderable = False
        # What the page shows without ?sort= (selectors.group_members_page): the header then
        # marks it and its first click sorts descending.
        order_by = "msisdn"
        template_name = "contacts/_member_table.html"  # its sort links leave the cursor out
        attrs = {"class": "table table-hover align-middle mb-0", "data-testid": "member-table"}
        empty_text = _("No members match.")
        per_page = 25

    # The page's blacklisted numbers, filled by the view once the page is cut.
    blacklisted: set[str] = frozenset()

    def render_msisdn(self, value):
        return number_html(value, blacklisted=value in self.blacklisted)

    def render_attributes(self, value):
        return format_html_join(
            " ", '<span class="badge text-bg-light border">{}: {}</span>', value.items()
        )


class BlacklistTable(tables.Table):
    selected = SelectionColumn()
    msisdn = tables.Column(verbose_name=_("Number"))
    created_by = tables.Column(verbose_name=_("Added by"), default="—")
    created_at = tables.DateTimeColumn(verbose_name=_("Added"), short=True)
    sync_state = SyncStateColumn()
    lookup = tables.Column(accessor="msisdn", verbose_name="", orderable=False,
                           attrs=ROW_ACTIONS)

    class Meta:
        model = BlacklistEntry
        fields = ["selected", "msisdn", "country", "reason", "note", "created_by", "created_at",
                  "sync_state"]
        template_name = "django_tables2/bootstrap5.html"
        attrs = {"class": "table table-hover align-middle mb-0", "data-testid": "blacklist-table"}
        empty_text = _("No blacklisted numbers match.")
        per_page = 25

    def render_msisdn(self, value):
        return number_html(value)

    def render_lookup(self, value):
        url = reverse("contacts:lookup") + "?q=" + value
        return format_html('<a href="{}">{}</a>', url, _("Look up"))

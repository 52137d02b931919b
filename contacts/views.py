"""Contacts pages: groups, members, the blacklist, number lookup, sync and pull.

Views validate input and call services (writes) or selectors (reads); a service's
``ApplicationError`` becomes a message on the page, never a 500.
"""

from django.contrib import messages
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import View
from django.views.generic import FormView, TemplateView
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from contacts import selectors
from contacts.filters import BlacklistFilter, GroupFilter, MemberFilter
from contacts.forms import (
    BlacklistAddForm,
    BlacklistRemoveForm,
    GroupForm,
    LookupForm,
    MemberForm,
    SelectionForm,
)
from contacts.models import Group, Member
from contacts.services.blacklist import (
    blacklist_entries_remove,
    blacklist_numbers_add,
    blacklist_opted_out,
    user_is_administrator,
)
from contacts.services.groups import group_create, group_delete, group_update
from contacts.services.members import member_add, member_update, members_delete
from contacts.services.pull import justsend_pull_request
from contacts.services.push import blacklist_sync_retry, group_sync_retry
from contacts.tables import BlacklistTable, GroupTable, MemberTable
from justsend_panel.core.exceptions import ApplicationError
from justsend_panel.core.permissions import USE_PANEL, PanelPermissionMixin
from justsend_panel.core.spreadsheets import spreadsheet_csv_response
from justsend_panel.sms.exceptions import SmsUnsupported


def _can(action: str, model: str) -> tuple[str, str]:
    return (USE_PANEL, f"contacts.{action}_{model}")


class PostOnlyView(PanelPermissionMixin, View):
    http_method_names = ["post"]


def _pull_context() -> dict:
    return {"pull": selectors.pull_latest()}


def _flag_landline(request, form: MemberForm) -> None:
    parsed = getattr(form, "parsed_number", None)
    if parsed is not None and not parsed.sms_capable:
        messages.warning(
            request,
            _("%(number)s looks like a fixed line: it cannot receive SMS.") % {"number": parsed.msisdn},
        )


# --- groups ------------------------------------------------------------------------------


class GroupListView(PanelPermissionMixin, SingleTableMixin, FilterView):
    template_name = "contacts/group_list.html"
    table_class = GroupTable
    filterset_class = GroupFilter

    def get_queryset(self):
        return Group.objects.order_by("name")

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), **_pull_context()}


class GroupFormMixin:
    form_class = GroupForm
    template_name = "contacts/group_form.html"

    def form_valid(self, form):
        try:
            group = self.save(**form.cleaned_data)
        except ApplicationError as exc:
            form.add_error(None, exc.message)
            return self.form_invalid(form)
        messages.success(self.request, _("Saved “%(name)s”; it is being pushed to Justsend.") % {"name": group.name})
        return redirect("contacts:group_detail", pk=group.pk)


class GroupCreateView(PanelPermissionMixin, GroupFormMixin, FormView):
    permission_required = _can("add", "group")

    def save(self, **data) -> Group:
        return group_create(**data, by=self.request.user)


class GroupUpdateView(PanelPermissionMixin, GroupFormMixin, FormView):
    permission_required = _can("change", "group")

    @cached_property
    def group(self) -> Group:
        return get_object_or_404(Group, pk=self.kwargs["pk"])

    def get_initial(self):
        return {"name": self.group.name, "group_type": self.group.group_type,
                "country": self.group.country}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "group": self.group}

    def save(self, **data) -> Group:
        return group_update(group=self.group, **data, by=self.request.user)


class GroupDeleteView(PanelPermissionMixin, TemplateView):
    permission_required = _can("delete", "group")
    template_name = "contacts/group_confirm_delete.html"

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs),
                "group": get_object_or_404(Group, pk=self.kwargs["pk"])}

    def post(self, request, pk):
        group = get_object_or_404(Group, pk=pk)
        name = group.name
        group_delete(group=group, by=request.user)
        messages.success(request, _("Deleted “%(name)s”; Justsend deletes it too.") % {"name": name})
        return redirect("contacts:group_list")


class GroupDetailView(PanelPermissionMixin, SingleTableMixin, FilterView):
    """A group and its members: a million rows page as fast as ten (see bench/)."""

    template_name = "contacts/group_detail.html"
    table_class = MemberTable
    filterset_class = MemberFilter

    @cached_property
    def group(self) -> Group:
        return get_object_or_404(Group, pk=self.kwargs["pk"])

    def get_queryset(self):
        return selectors.group_members_qs(group=self.group)

    # Pages are cut by number (keyset), never by OFFSET: page 20,000 of a million members
    # costs what page 1 does, and nothing is counted (the header shows the counter).
    table_pagination = False
    CURSORS = ("after", "before", "last", "page")

    @cached_property
    def members_page(self) -> selectors.MembersPage:
        params = self.request.GET
        return selectors.group_members_page(
            self.object_list, descending=params.get("sort") == "-msisdn",
            after=params.get("after", ""), before=params.get("before", ""),
            last=bool(params.get("last")), size=MemberTable._meta.per_page,
        )

    def get_table_data(self):
        return self.members_page.members

    def get_table(self, **kwargs):
        table = super().get_table(**kwargs)
        table.blacklisted = selectors.blacklisted_among(
            [member.msisdn for member in self.members_page.members]
        )
        return table

    def _paging_links(self) -> dict[str, str | None]:
        """First / previous / next / last, keeping the search and the sort."""

        def link(**cursor) -> str:
            query = self.request.GET.copy()
            for name in self.CURSORS:
                query.pop(name, None)
            query.update(cursor)
            return "?" + query.urlencode()

        page = self.members_page
        return {
            "first": link() if page.before else None,
            "previous": link(before=page.before) if page.before else None,
            "next": link(after=page.after) if page.after else None,
            "last": link(last="1") if page.after else None,
        }

    def get_context_data(self, **kwargs):
        paging = self._paging_links()
        return {
            **super().get_context_data(**kwargs),
            "group": self.group,
            "sync": selectors.group_sync_status(group=self.group),
            "import_url": reverse("contacts:import_start") + f"?group={self.group.pk}",
            "paging": paging,
            "paging_items": [
                ("", paging["first"], _("First")),
                ("prev", paging["previous"], _("Previous")),
                ("next", paging["next"], _("Next")),
                ("", paging["last"], _("Last")),
            ],
        }


class GroupSyncPartialView(PanelPermissionMixin, TemplateView):
    """The group's sync card, polled by htmx while something is being pushed."""

    template_name = "contacts/_group_sync.html"

    def get_context_data(self, **kwargs):
        group = get_object_or_404(Group, pk=self.kwargs["pk"])
        return {"group": group, "sync": selectors.group_sync_status(group=group)}


class GroupRetryView(PostOnlyView):
    permission_required = _can("change", "group")

    def post(self, request, pk):
        group = get_object_or_404(Group, pk=pk)
        try:
            group_sync_retry(group=group)
        except SmsUnsupported as error:
            messages.error(request, error.message)
        else:
            messages.info(request, _("The failed changes of “%(name)s” are pushed again.") % {"name": group.name})
        return redirect("contacts:group_detail", pk=pk)


class GroupExportView(PanelPermissionMixin, View):
    permission_required = _can("view", "member")

    def get(self, request, pk):
        group = get_object_or_404(Group, pk=pk)
        return spreadsheet_csv_response(
            rows=selectors.group_members_csv(group=group), filename=f"group-{group.pk}-members.csv"
        )


# --- members -----------------------------------------------------------------------------


class MemberFormView(PanelPermissionMixin, FormView):
    form_class = MemberForm
    template_name = "contacts/member_form.html"

    @cached_property
    def group(self) -> Group:
        return get_object_or_404(Group, pk=self.kwargs["group_pk"])

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "group": self.group}

    def form_valid(self, form):
        try:
            member = self.save(**form.cleaned_data)
        except ApplicationError as exc:
            form.add_error("msisdn", exc.message)
            return self.form_invalid(form)
        _flag_landline(self.request, form)
        messages.success(self.request, _("Saved %(number)s.") % {"number": member.msisdn})
        return redirect("contacts:group_detail", pk=self.group.pk)


class MemberCreateView(MemberFormView):
    permission_required = _can("add", "member")

    def save(self, **data) -> Member:
        return member_add(group=self.group, **data)


class MemberUpdateView(MemberFormView):
    permission_required = _can("change", "member")

    @cached_property
    def member(self) -> Member:
        return get_object_or_404(Member, pk=self.kwargs["pk"], group=self.group)

    def get_initial(self):
        m = self.member
        return {"msisdn": "+" + m.msisdn, "name": m.name, "surname": m.surname,
                "address": m.address, "attributes": m.attributes}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "member": self.member}

    def save(self, **data) -> Member:
        return member_update(member=self.member, **data)


class MembersDeleteView(PostOnlyView):
    """Delete one member (its row's button) or the ticked ones."""

    permission_required = _can("delete", "member")

    def post(self, request, group_pk):
        group = get_object_or_404(Group, pk=group_pk)
        # A row's own button names one member; the ticked boxes are for "delete selected".
        one = request.POST.get("delete_one")
        form = SelectionForm({"selected": [one]} if one else request.POST)
        if not form.is_valid():
            messages.error(request, " ".join(form.errors.get("selected", [])))
        else:
            deleted = members_delete(group=group, member_ids=form.cleaned_data["selected"])
            messages.success(
                request,
                ngettext("Deleted %(count)d member.", "Deleted %(count)d members.", deleted)
                % {"count": deleted},
            )
        return HttpResponseRedirect(
            reverse("contacts:group_detail", kwargs={"pk": group.pk})
            + _safe_query(request.POST.get("return_query", ""))
        )


def _safe_query(query: str) -> str:
    """The table's page and search to come back to; only a query string, never a URL."""
    return "?" + query if query and not any(c in query for c in "/\\:") else ""


# --- blacklist ---------------------------------------------------------------------------


class BlacklistView(PanelPermissionMixin, SingleTableMixin, FilterView):
    template_name = "contacts/blacklist.html"
    table_class = BlacklistTable
    filterset_class = BlacklistFilter

    def get_queryset(self):
        return selectors.blacklist_qs()

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "add_form": kwargs.get("add_form") or BlacklistAddForm(),
            "sync": selectors.blacklist_sync_status(),
        }


class BlacklistAddView(PanelPermissionMixin, FormView):
    """Many numbers at once: the valid ones are added, the invalid ones listed back."""

    permission_required = _can("add", "blacklistentry")
    form_class = BlacklistAddForm
    template_name = "contacts/blacklist_add.html"
    http_method_names = ["get", "post"]

    def form_valid(self, form):
        result = blacklist_numbers_add(
            text=form.cleaned_data["numbers"], note=form.cleaned_data["note"], user=self.request.user
        )
        if result.added:
            messages.success(self.request, ngettext(
                "Blacklisted %(count)d number.", "Blacklisted %(count)d numbers.", len(result.added)
            ) % {"count": len(result.added)})
        if result.already:
            messages.info(self.request, ngettext(
                "%(count)d number was already blacklisted.",
                "%(count)d numbers were already blacklisted.", len(result.already),
            ) % {"count": len(result.already)})
        if result.landlines:
            messages.warning(self.request, _(
                "These look like fixed lines (they cannot receive SMS), blacklisted all the same: %(numbers)s"
            ) % {"numbers": ", ".join(result.landlines[:20])})
        if result.invalid:
            # The form comes back holding only the numbers to fix, each with its reason.
            retry = BlacklistAddForm(initial={
                "numbers": "\n".join(p.raw for p in result.invalid), "note": form.cleaned_data["note"],
            })
            return self.render_to_response(self.get_context_data(form=retry, invalid=result.invalid))
        return redirect("contacts:blacklist")


class BlacklistRemoveView(PostOnlyView):
    """Remove ticked entries; a STOP reply's entry is an opt-out and goes through more.

    Marketing staff are refused it outright; an administrator first gets a page that says
    the person opted out and asks why they may be messaged again.
    """

    permission_required = _can("delete", "blacklistentry")
    template_name = "contacts/blacklist_remove_opt_out.html"

    def post(self, request):
        form = BlacklistRemoveForm(request.POST)
        if not form.is_valid():
            messages.error(request, " ".join(
                error for errors in form.errors.values() for error in errors))
            return redirect("contacts:blacklist")
        selected = form.cleaned_data["selected"]
        opted_out = blacklist_opted_out(entry_ids=selected)
        confirmed = form.cleaned_data["opt_out_confirmed"]
        if opted_out and user_is_administrator(request.user) and not confirmed:
            return self._confirm(form, opted_out, selected)
        try:
            removed = blacklist_entries_remove(
                entry_ids=selected, user=request.user, reason=form.cleaned_data["reason"])
        except ApplicationError as error:
            if opted_out and user_is_administrator(request.user):
                form.add_error("reason", error.message)
                return self._confirm(form, opted_out, selected)
            messages.error(request, error.message)
            return redirect("contacts:blacklist")
        messages.success(request, ngettext(
            "Removed %(count)d number from the blacklist.",
            "Removed %(count)d numbers from the blacklist.", removed,
        ) % {"count": removed})
        return redirect("contacts:blacklist")

    def _confirm(self, form, opted_out, selected):
        return render(self.request, self.template_name, {
            "form": form, "opted_out": opted_out, "selected": selected,
        })


class BlacklistRetryView(PostOnlyView):
    permission_required = _can("change", "blacklistentry")

    def post(self, request):
        try:
            count = blacklist_sync_retry()
        except SmsUnsupported as error:
            messages.error(request, error.message)
            return redirect("contacts:blacklist")
        messages.info(request, ngettext(
            "%(count)d blacklist change is pushed again.",
            "%(count)d blacklist changes are pushed again.", count,
        ) % {"count": count})
        return redirect("contacts:blacklist")


# --- lookup and pull ---------------------------------------------------------------------


class LookupView(PanelPermissionMixin, TemplateView):
    template_name = "contacts/lookup.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = LookupForm(self.request.GET or None)
        context["form"] = form
        if form.is_valid():
            context["lookup"] = selectors.number_lookup(raw=form.cleaned_data["q"])
        return context


class PullView(PostOnlyView):
    permission_required = _can("change", "group")

    def post(self, request):
        try:
            justsend_pull_request(full=True, by=request.user)
        except SmsUnsupported as error:
            messages.error(request, error.message)
        else:
            messages.info(request, _("Pulling groups, members and the blacklist from Justsend."))
        return redirect("contacts:group_list")


class PullStatusPartialView(PanelPermissionMixin, TemplateView):
    template_name = "contacts/_pull_status.html"

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), **_pull_context()}

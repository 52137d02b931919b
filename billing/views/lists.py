"""Transactions and uploaded files: Justsend's lists, one Justsend page per table page."""

from __future__ import annotations

from itertools import chain

from django.contrib import messages
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import TemplateView
from django_tables2 import SingleTableMixin
from django_tables2.data import TableListData

from billing.exports import transactions_csv_rows
from billing.filters import TransactionFilterForm, UploadFilterForm
from billing.readings import Reading
from billing.selectors import (
    Paging,
    transactions_iter,
    transactions_page_get,
    upload_descriptors_page_get,
    uploaded_file_links_for,
)
from billing.tables import RemotePage, TransactionTable, UploadTable
from billing.views.account import wants_refresh
from justsend_panel.core.exceptions import ApplicationError
from justsend_panel.core.paging import page_number
from justsend_panel.core.permissions import PanelPermissionMixin
from justsend_panel.core.spreadsheets import spreadsheet_csv_response
from justsend_panel.sms.exceptions import SmsError


class RemoteListView(PanelPermissionMixin, SingleTableMixin, TemplateView):
    """A filter form, and a table of the one page Justsend answered for it."""

    filter_form_class: type
    table_class: type

    def read(self, form, paging: Paging, *, force: bool) -> Reading:
        raise NotImplementedError

    def get(self, request, *args, **kwargs):
        self.form = self.filter_form_class(request.GET)
        self.reading = None
        self.rows: list | RemotePage = []
        self.per_page = 25
        if self.form.is_valid():
            self.per_page = self.form.cleaned_data["size"]
            sort_field, direction, self.order_by = self.table_class.justsend_sort(
                request.GET.get("sort")
            )
            paging = Paging(
                page=page_number(request) - 1,
                size=self.per_page,
                sort_field=sort_field,
                sort_direction=direction,
            )
            self.reading = self.read(self.form, paging, force=wants_refresh(request))
            if self.reading.value is not None:
                self.rows = RemotePage(self.reading.value, per_page=self.per_page)
        return super().get(request, *args, **kwargs)

    def get_table_data(self):
        # Passed as TableData so that django-tables2 keeps our object instead of list()ing it.
        return TableListData(self.rows)

    def get_table_pagination(self, table):
        return {"per_page": self.per_page}

    def get_context_data(self, **kwargs):
        query = self.request.GET.copy()
        query.pop("refresh", None)
        return super().get_context_data(
            form=self.form, reading=self.reading, query=query.urlencode(), **kwargs
        )


class TransactionListView(RemoteListView):
    template_name = "billing/transactions.html"
    filter_form_class = TransactionFilterForm
    table_class = TransactionTable

    def read(self, form, paging, *, force):
        return transactions_page_get(query=form.to_query(), paging=paging, force=force)


class UploadListView(RemoteListView):
    template_name = "billing/uploads.html"
    filter_form_class = UploadFilterForm
    table_class = UploadTable

    def read(self, form, paging, *, force):
        return upload_descriptors_page_get(query=form.to_query(), paging=paging, force=force)

    def get_table_kwargs(self):
        return {"links": uploaded_file_links_for(list(self.rows))}


class TransactionExportView(PanelPermissionMixin, TemplateView):
    """The filtered transactions as CSV, streamed page by page from Justsend."""

    def get(self, request, *args, **kwargs):
        back = reverse("billing:transactions") + "?" + request.GET.urlencode()
        form = TransactionFilterForm(request.GET)
        if not form.is_valid():
            messages.error(request, _("Fix the filters before exporting."))
            return HttpResponseRedirect(back)
        query = form.to_query()
        sort_field, direction, _order = TransactionTable.justsend_sort(request.GET.get("sort"))
        transactions = transactions_iter(query=query, sort_field=sort_field, sort_direction=direction)
        try:
            # The first page is asked for before the answer starts: an error can still
            # be shown as a message instead of a broken file.
            first = next(transactions, None)
        except (SmsError, ApplicationError) as exc:
            messages.error(request, _("Export failed: %(error)s") % {"error": exc.message})
            return HttpResponseRedirect(back)
        rows = chain([first], transactions) if first is not None else iter(())
        filename = f"transactions-{query.start:%Y%m%d}-{query.end:%Y%m%d}.csv"
        return spreadsheet_csv_response(rows=transactions_csv_rows(rows), filename=filename)

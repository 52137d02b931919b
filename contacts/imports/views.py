"""Pages of CSV imports: upload, mapping with a live preview, progress, invalid rows."""

import logging

from django.contrib import messages
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import DetailView, FormView
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from contacts.imports.csvfile import CsvFileError, FileFormat, format_detect
from contacts.imports.filters import ImportFilter
from contacts.imports.forms import ImportFormatForm, ImportMappingForm, ImportUploadForm
from contacts.imports.mapping import mapping_guess
from contacts.imports.reports import import_errors_csv
from contacts.imports.selectors import import_preview_get, import_progress_get, imports_list_qs
from contacts.imports.services import (
    import_create,
    import_discard,
    import_format_set,
    import_retry,
    import_start,
)
from contacts.imports.tables import ImportTable
from contacts.models import Group, Import
from justsend_panel.core.exceptions import ApplicationError
from justsend_panel.core.permissions import USE_PANEL, PanelPermissionMixin
from justsend_panel.core.spreadsheets import spreadsheet_csv_response

logger = logging.getLogger(__name__)

CAN_VIEW = (USE_PANEL, "contacts.view_import")
CAN_ADD = (USE_PANEL, "contacts.add_import")


class ImportListView(PanelPermissionMixin, SingleTableMixin, FilterView):
    permission_required = CAN_VIEW
    table_class = ImportTable
    filterset_class = ImportFilter
    template_name = "contacts/imports/import_list.html"
    paginate_by = 25

    def get_queryset(self):
        return imports_list_qs()


class ImportStartView(PanelPermissionMixin, FormView):
    """Upload a file into an existing group (``?group=<id>``) or a new one."""

    permission_required = CAN_ADD
    form_class = ImportUploadForm
    template_name = "contacts/imports/import_start.html"

    def get_initial(self):
        group_id = self.request.GET.get("group", "")
        if group_id.isdigit():
            group = Group.objects.filter(pk=int(group_id)).first()
            if group is not None:
                return {"group": group}
        return {}

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            job = import_create(
                uploaded=data["file"],
                file_format=form.file_format,
                mapping=mapping_guess(form.file_format),
                group=data["group"],
                new_group_name=data["new_group_name"],
                new_group_type=data["new_group_type"] or Group.Type.LOCAL,
                created_by=self.request.user,
            )
        except ApplicationError as exc:
            form.add_error(None, exc.message)
            return self.form_invalid(form)
        return redirect("contacts:import_mapping", pk=job.pk)


def _stored_format(job: Import, **overrides) -> FileFormat:
    settings = {
        "encoding": job.encoding, "delimiter": job.delimiter, "has_header": job.has_header,
        **overrides,
    }
    try:
        with job.file.open("rb") as handle:
            return format_detect(handle, **settings)
    except FileNotFoundError as exc:
        raise CsvFileError(
            _("The uploaded file is no longer on the server; upload it again.")
        ) from exc


class ImportMappingView(PanelPermissionMixin, View):
    """Each column -> a member field; the first rows checked live as the user maps."""

    permission_required = CAN_ADD
    template_name = "contacts/imports/import_mapping.html"
    preview_template_name = "contacts/imports/_preview.html"

    def _job(self, pk: int) -> Import:
        return get_object_or_404(Import.objects.select_related("group"), pk=pk)

    def get(self, request: HttpRequest, pk: int):
        job = self._job(pk)
        if job.state != Import.State.UPLOADED:
            return redirect("contacts:import_detail", pk=job.pk)
        try:
            file_format = _stored_format(job)
        except CsvFileError as exc:
            messages.error(request, exc.message)
            return redirect("contacts:import_start")
        mapping_form = ImportMappingForm(file_format=file_format, mapping=job.mapping)
        return self._render(job, file_format, mapping_form, job.mapping)

    def post(self, request: HttpRequest, pk: int):
        job = self._job(pk)
        if job.state != Import.State.UPLOADED:
            return redirect("contacts:import_detail", pk=job.pk)
        if "reread" in request.POST:
            return self._reread(job)
        try:
            file_format = _stored_format(job)
        except CsvFileError as exc:
            messages.error(request, exc.message)
            return redirect("contacts:import_start")
        form = ImportMappingForm(request.POST, file_format=file_format, mapping=job.mapping)
        valid = form.is_valid()
        mapping = form.mapping()
        if request.htmx:  # a select changed: only the preview is redrawn
            rows, problem = import_preview_get(
                file_format=file_format, mapping=mapping, group=job.group)
            return render(request, self.preview_template_name, {
                "file_format": file_format, "preview": rows, "mapping_problem": problem,
            })
        if valid:
            try:
                import_start(
                    job=job, mapping=mapping,
                    skip_blacklisted=form.cleaned_data["skip_blacklisted"],
                    by=request.user,
                )
            except ApplicationError as exc:
                form.add_error(None, exc.message)
            else:
                return redirect("contacts:import_detail", pk=job.pk)
        return self._render(job, file_format, form, mapping)

    def _reread(self, job: Import):
        format_form = ImportFormatForm(self.request.POST)
        if format_form.is_valid():
            try:
                file_format = _stored_format(job, **format_form.cleaned_data)
            except CsvFileError as exc:
                messages.error(self.request, exc.message)
            else:
                import_format_set(
                    job=job, file_format=file_format, mapping=mapping_guess(file_format)
                )
        return redirect("contacts:import_mapping", pk=job.pk)

    def _render(self, job, file_format, mapping_form, mapping):
        rows, problem = import_preview_get(
            file_format=file_format, mapping=mapping, group=job.group)
        format_form = ImportFormatForm(initial={
            "encoding": file_format.encoding, "delimiter": file_format.delimiter,
            "has_header": file_format.has_header,
        })
        return render(self.request, self.template_name, {
            "job": job, "file_format": file_format, "format_form": format_form,
            "form": mapping_form, "preview": rows, "mapping_problem": problem,
        })


class ImportDetailView(PanelPermissionMixin, DetailView):
    """The import's progress; htmx polls the same data as a small partial every second."""

    permission_required = CAN_VIEW
    template_name = "contacts/imports/import_detail.html"
    partial_template_name = "contacts/imports/_progress.html"
    context_object_name = "job"
    partial = False

    def get_queryset(self):
        return Import.objects.select_related("group", "created_by")

    def get_template_names(self):
        if self.partial or self.request.htmx:
            return [self.partial_template_name]
        return [self.template_name]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["progress"] = import_progress_get(job=self.object)
        return context


class ImportErrorsView(PanelPermissionMixin, View):
    """The invalid and duplicate rows, whole, with their reasons, streamed as CSV."""

    permission_required = CAN_VIEW

    def get(self, request: HttpRequest, pk: int):
        job = get_object_or_404(Import, pk=pk)
        if job.state == Import.State.UPLOADED:
            raise Http404
        return spreadsheet_csv_response(
            rows=import_errors_csv(job=job), filename=f"import-{job.pk}-rows-not-imported.csv"
        )


class ImportActionView(PanelPermissionMixin, View):
    """A button on an import's page: one service call; a refusal is shown on that page."""

    permission_required = CAN_ADD
    http_method_names = ["post"]

    def act(self, job: Import) -> tuple[str, str]:
        """Call the service; return the note to show and the URL to go to."""
        raise NotImplementedError

    def post(self, request: HttpRequest, pk: int):
        job = get_object_or_404(Import, pk=pk)
        try:
            note, url = self.act(job)
        except ApplicationError as exc:
            messages.error(request, exc.message)
            return redirect("contacts:import_detail", pk=job.pk)
        messages.success(request, note)
        return redirect(url)


class ImportRetryView(ImportActionView):
    def act(self, job: Import) -> tuple[str, str]:
        import_retry(job=job)
        return (_("The import runs again from where it stopped."),
                reverse("contacts:import_detail", args=[job.pk]))


class ImportDiscardView(ImportActionView):
    """An upload whose columns were never mapped, given up: the file and the row go."""

    def act(self, job: Import) -> tuple[str, str]:
        import_discard(job=job)
        return (_("The upload “%(name)s” was discarded.") % {"name": job.original_name},
                reverse("contacts:import_list"))

"""The media library pages and the public URL a provider downloads a file from."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.http import require_safe
from django.views.generic import ListView, TemplateView
from django_tables2 import SingleTableMixin

from campaigns.media.exceptions import MediaError
from campaigns.media.forms import MediaUploadForm
from campaigns.media.models import MediaFile
from campaigns.media.selectors import media_file_list, media_file_users, media_public_get
from campaigns.media.services import media_file_delete, media_file_upload
from campaigns.media.tables import MediaFileTable
from justsend_panel.core.permissions import USE_PANEL, PanelPermissionMixin

VIEW = (USE_PANEL, "campaigns.view_mediafile")
ADD = (USE_PANEL, "campaigns.add_mediafile")
DELETE = (USE_PANEL, "campaigns.delete_mediafile")


class MediaListView(PanelPermissionMixin, SingleTableMixin, ListView):
    permission_required = VIEW
    table_class = MediaFileTable
    template_name = "campaigns/media/media_list.html"
    paginate_by = 50

    def get_queryset(self):
        return media_file_list()

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            form=kwargs.pop("form", None) or MediaUploadForm(),
            can_upload=self.request.user.has_perms(ADD),
            public_url_missing=not settings.PANEL_PUBLIC_URL,
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        if not request.user.has_perms(ADD):
            self.handle_no_permission()
        form = MediaUploadForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                media_file = media_file_upload(upload=form.cleaned_data["file"],
                                               user=request.user)
            except MediaError as error:
                form.add_error("file", error.message)
            else:
                messages.success(request, _("%(name)s uploaded.") % {"name": media_file.name})
                return redirect("media:media_list")
        self.object_list = self.get_queryset()
        context = self.get_context_data(form=form)
        return self.render_to_response(context, status=400)


class MediaDeleteView(PanelPermissionMixin, TemplateView):
    permission_required = DELETE
    template_name = "campaigns/media/media_confirm_delete.html"

    def get_context_data(self, **kwargs):
        media_file = get_object_or_404(MediaFile, pk=self.kwargs["pk"])
        return super().get_context_data(
            media_file=media_file, users=media_file_users(media_file=media_file), **kwargs
        )

    def post(self, request, pk: int):
        media_file = get_object_or_404(MediaFile, pk=pk)
        try:
            media_file_delete(media_file=media_file, user=request.user)
        except MediaError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("%(name)s deleted.") % {"name": media_file.name})
        return redirect("media:media_list")


@login_not_required
@require_safe
def media_public(request, token: str, filename: str):
    """``/m/<token>/<filename>``: the file as a provider downloads it, without login (the
    token, 256 random bits, is the only key); 404 for anything but an existing file."""
    media_file = media_public_get(token=token, filename=filename)
    if media_file is None:
        raise Http404
    try:
        stored = media_file.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    kind = media_file.media_type
    response = FileResponse(stored, content_type=kind.content_type,
                            as_attachment=not kind.inline, filename=media_file.name)
    response["X-Content-Type-Options"] = "nosniff"
    return response

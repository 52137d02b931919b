import django_tables2 as tables
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from campaigns.media.models import MediaFile
from campaigns.media.selectors import (
    PUBLIC_URL_UNAVAILABLE,
    media_public_path,
    media_public_url,
)

TEMPLATE = "django_tables2/bootstrap5.html"
DELETE = "campaigns.delete_mediafile"


class MediaFileTable(tables.Table):
    preview = tables.Column(verbose_name=_("Preview"), accessor="pk", orderable=False)
    name = tables.Column(verbose_name=_("Name"))
    content_type = tables.Column(verbose_name=_("Type"))
    size = tables.Column(verbose_name=_("Size"))
    uploaded_by = tables.Column(verbose_name=_("Uploaded by"), default="—")
    created_at = tables.DateTimeColumn(verbose_name=_("Uploaded"))
    public_url = tables.Column(verbose_name=_("Public URL"), accessor="token", orderable=False)
    actions = tables.Column(verbose_name="", accessor="pk", orderable=False)

    class Meta:
        model = MediaFile
        template_name = TEMPLATE
        fields = ("preview", "name", "content_type", "size", "uploaded_by", "created_at",
                  "public_url", "actions")
        attrs = {"class": "table table-sm table-hover mb-0 align-middle",
                 "data-testid": "media-table"}
        empty_text = _("No media file yet.")

    def render_preview(self, record):
        path = media_public_path(media_file=record)
        if record.media_type.is_image:
            return format_html(
                '<a href="{}" target="_blank" rel="noopener"><img src="{}" alt="{}" '
                'loading="lazy" class="img-thumbnail" style="max-height: 4rem; max-width: 6rem">'
                "</a>", path, path, record.name,
            )
        return format_html('<a class="badge text-bg-secondary text-decoration-none" href="{}" '
                           'target="_blank" rel="noopener">{}</a>',
                           path, record.media_type.extension.lstrip(".").upper())

    def render_size(self, value):
        return filesizeformat(value)

    def render_public_url(self, record):
        url = media_public_url(media_file=record)
        if url is None:
            return format_html('<span class="text-body-secondary small">{}</span>',
                               PUBLIC_URL_UNAVAILABLE)
        return format_html('<code class="small user-select-all" data-testid="media-url">{}'
                           "</code>", url)

    def render_actions(self, record):
        request = getattr(self, "request", None)
        if request is None or not request.user.has_perm(DELETE):
            return ""
        return format_html(
            '<a class="btn btn-sm btn-outline-danger" href="{}">{}</a>',
            reverse("media:media_delete", kwargs={"pk": record.pk}), _("Delete"),
        )

"""The media library in Django admin: uploaded and deleted through the same services as
the Media page (type read from the bytes, 5 MB, in-use check, activity entry)."""

from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from campaigns.media.exceptions import MediaError
from campaigns.media.forms import MediaUploadForm
from campaigns.media.models import MediaFile
from campaigns.media.services import media_file_delete, media_file_upload

DETAILS = ("name", "content_type", "size", "sha256", "token", "file", "uploaded_by",
           "created_at")


class MediaFileAddForm(forms.ModelForm):
    upload = MediaUploadForm.base_fields["file"]

    class Meta:
        model = MediaFile
        fields = ()

    def clean(self):
        cleaned = super().clean()
        upload = cleaned.get("upload")
        if upload is not None:
            try:
                self.instance = media_file_upload(upload=upload, user=self.user)
            except MediaError as error:
                self.add_error("upload", error.message)
        return cleaned


@admin.register(MediaFile)
class MediaFileAdmin(admin.ModelAdmin):
    list_display = ("name", "content_type", "size", "uploaded_by", "created_at")
    list_filter = ("content_type",)
    search_fields = ("name", "=sha256")
    list_select_related = ("uploaded_by",)

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is not None:
            return super().get_form(request, obj, change=change, **kwargs)
        kwargs.update(form=MediaFileAddForm, fields=["upload"])
        form = super().get_form(request, obj, change=change, **kwargs)
        form.user = request.user
        return form

    def get_fields(self, request, obj=None):
        return DETAILS if obj is not None else ("upload",)

    def get_readonly_fields(self, request, obj=None):
        return DETAILS if obj is not None else ()

    def save_model(self, request, obj, form, change):
        pass  # the upload service saved it in the form's clean()

    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request, obj)

    actions = ["delete_files"]

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # it would count the refused ones as deleted
        return actions

    def delete_model(self, request, obj):
        self._delete(request, [obj])

    def delete_queryset(self, request, queryset):
        self._delete(request, queryset)

    @admin.action(description=_("Delete the selected media files"),
                  permissions=["delete"])
    def delete_files(self, request, queryset):
        deleted = self._delete(request, queryset)
        if deleted:
            self.message_user(request, ngettext(
                "%(count)d media file deleted.", "%(count)d media files deleted.", deleted,
            ) % {"count": deleted}, messages.SUCCESS)

    def _delete(self, request, media_files) -> int:
        deleted = 0
        for media_file in media_files:
            try:
                media_file_delete(media_file=media_file, user=request.user)
            except MediaError as error:
                self.message_user(request, error.message, messages.ERROR)
            else:
                deleted += 1
        return deleted

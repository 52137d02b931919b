from django import forms
from django.utils.translation import gettext_lazy as _

ACCEPT = ".jpg,.jpeg,.png,.gif,.pdf,.vcf,.mp4,image/jpeg,image/png,image/gif,application/pdf,text/vcard,video/mp4"


class MediaUploadForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        help_text=_("JPEG, PNG, GIF, PDF, VCF or MP4, at most 5 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT, "class": "form-control"}),
    )

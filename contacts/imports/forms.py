import json
import re

from django import forms
from django.utils.translation import gettext_lazy as _

from contacts.imports.csvfile import (
    DELIMITER_CHOICES,
    ENCODING_CHOICES,
    CsvFileError,
    FileFormat,
    format_detect,
)
from contacts.imports.mapping import (
    ATTRIBUTE,
    ATTRIBUTE_PREFIX,
    TARGET_CHOICES,
    attribute_key_suggest,
)
from contacts.models import Group


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_(
            "Separated by semicolons, commas or tabs; UTF-8 or Windows-1250. Numbers without"
            " + or 00 are read as Polish numbers, so give foreign ones with their prefix."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.txt,text/csv,text/plain"}),
    )
    group = forms.ModelChoiceField(
        label=_("Into the group"),
        queryset=Group.objects.order_by("name"),
        required=False,
        empty_label=_("— a new group —"),
    )
    new_group_name = forms.CharField(
        label=_("New group's name"), max_length=200, required=False,
        help_text=_("Only when importing into a new group."),
    )
    new_group_type = forms.ChoiceField(
        label=_("New group's type"), choices=Group.Type.choices, initial=Group.Type.LOCAL,
        required=False,
    )

    def clean_file(self):
        uploaded = self.cleaned_data["file"]
        try:
            self.file_format = format_detect(uploaded)
        except CsvFileError as exc:
            raise forms.ValidationError(exc.message) from exc
        finally:
            uploaded.seek(0)
        return uploaded

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("group") and not (cleaned.get("new_group_name") or "").strip():
            self.add_error("new_group_name", _("Choose a group above or name a new one."))
        return cleaned


class ImportFormatForm(forms.Form):
    """The detected format, for the user to correct."""

    encoding = forms.ChoiceField(label=_("Encoding"), choices=ENCODING_CHOICES)
    delimiter = forms.ChoiceField(label=_("Delimiter"), choices=DELIMITER_CHOICES)
    has_header = forms.BooleanField(label=_("The first row is a header"), required=False)


# The page's script sends every column's choice in this one field (JSON: {"col_0": …,
# "key_0": …}) instead of two fields per column: a file of 499 columns or more would pass
# Django's DATA_UPLOAD_MAX_NUMBER_FIELDS (1,000) and its mapping could never be submitted.
# The per-column fields still work without the script.
PACKED_FIELD = "columns"
_PER_COLUMN = re.compile(r"^(col|key)_\d+$")


def columns_unpack(data):
    """The form's data with the packed columns spread back into per-column fields."""
    if data is None or not data.get(PACKED_FIELD):
        return data
    try:
        packed = json.loads(data[PACKED_FIELD])
    except ValueError:
        return data  # left as sent: the form finds no number column and says so
    unpacked = data.copy()
    if isinstance(packed, dict):
        for name, value in packed.items():
            if isinstance(name, str) and _PER_COLUMN.match(name) and isinstance(value, str):
                unpacked[name] = value
    return unpacked


class ImportMappingForm(forms.Form):
    """One target per column (and a key for extra attributes); the blacklist choice."""

    skip_blacklisted = forms.BooleanField(
        label=_("Skip numbers on the blacklist"),
        required=False,
        help_text=_("Otherwise they are imported, counted and marked as blacklisted."),
    )

    def __init__(self, data=None, *args, file_format: FileFormat, mapping: dict[str, str],
                 **kwargs):
        super().__init__(columns_unpack(data), *args, **kwargs)
        self.file_format = file_format
        header = file_format.header
        self.column_names = []
        for index in range(file_format.columns):
            title = header[index] if index < len(header) else ""
            target = mapping.get(str(index), "")
            key = ""
            if target.startswith(ATTRIBUTE_PREFIX):
                target, key = ATTRIBUTE, target.removeprefix(ATTRIBUTE_PREFIX)
            self.fields[f"col_{index}"] = forms.ChoiceField(
                label=title or _("Column %(n)d") % {"n": index + 1},
                choices=TARGET_CHOICES, required=False, initial=target,
            )
            self.fields[f"key_{index}"] = forms.CharField(
                label=_("Attribute name"), required=False, max_length=50,
                initial=key or attribute_key_suggest(title or f"col_{index + 1}"),
            )
            self.column_names.append(title)

    def columns(self):
        """(select, key input) bound fields per column, for the template."""
        return [
            (self[f"col_{index}"], self[f"key_{index}"])
            for index in range(self.file_format.columns)
        ]

    def mapping(self) -> dict[str, str]:
        data = self.cleaned_data if hasattr(self, "cleaned_data") else {}
        result = {}
        for index in range(self.file_format.columns):
            target = data.get(f"col_{index}", "")
            if target == ATTRIBUTE:
                target = ATTRIBUTE_PREFIX + (data.get(f"key_{index}") or "").strip()
            if target:
                result[str(index)] = target
        return result

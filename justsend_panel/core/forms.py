"""Form pieces every app's pages share."""

from django import forms


class BootstrapForm(forms.Form):
    """Gives each widget Bootstrap 5's class, so templates render fields plainly."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, (forms.HiddenInput, forms.MultipleHiddenInput)):
                continue
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, forms.Select):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()


class IsoDateInput(forms.DateInput):
    """``<input type=date>``: the browser takes only yyyy-MM-dd, whatever the language.

    A localised value (Polish "03.11.2026") is dropped by the browser, and the next
    submit silently loses the date.
    """

    input_type = "date"

    def __init__(self, attrs=None, format=None):
        super().__init__(attrs, format or "%Y-%m-%d")


class IsoDateTimeInput(forms.DateTimeInput):
    """``<input type=datetime-local>``: yyyy-MM-ddTHH:MM in every language."""

    input_type = "datetime-local"

    def __init__(self, attrs=None, format=None):
        super().__init__(attrs, format or "%Y-%m-%dT%H:%M")

"""BootstrapForm: the one every app's forms and filters share (justsend_panel/core/forms.py)."""

from django import forms

from justsend_panel.core.forms import BootstrapForm


class _Form(BootstrapForm):
    text = forms.CharField(widget=forms.TextInput(attrs={"class": "w-auto"}))
    choice = forms.ChoiceField(choices=[("a", "A")])
    flag = forms.BooleanField(required=False)
    token = forms.CharField(widget=forms.HiddenInput)


def test_each_widget_gets_its_bootstrap_class_and_keeps_its_own():
    fields = _Form().fields
    assert fields["text"].widget.attrs["class"] == "w-auto form-control"
    assert fields["choice"].widget.attrs["class"] == "form-select"
    assert fields["flag"].widget.attrs["class"] == "form-check-input"


def test_a_hidden_input_is_left_without_a_class():
    assert "class" not in _Form().fields["token"].widget.attrs

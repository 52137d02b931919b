"""Mail2SMS settings, for administrators: authorisation codes and the sender whitelist."""

from __future__ import annotations


from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views.generic import FormView, TemplateView

from billing.forms import AuthCodeForm
from billing.selectors import auth_code_get, auth_codes_get, whitelist_get
from billing.services import (
    auth_code_create,
    auth_code_delete,
    auth_code_update,
    whitelist_entry_delete,
)
from billing.tables import AuthCodeTable, WhitelistTable
from billing.views.account import wants_refresh
from justsend_panel.core.exceptions import ApplicationError
from justsend_panel.core.permissions import AdminOnlyMixin
from justsend_panel.sms.exceptions import SmsError, SmsNotFound

MAIL2SMS_URL = reverse_lazy("billing:mail2sms")


class Mail2SmsView(AdminOnlyMixin, TemplateView):
    template_name = "billing/mail2sms.html"

    def get_context_data(self, **kwargs):
        force = wants_refresh(self.request)
        codes = auth_codes_get(force=force)
        whitelist = whitelist_get(force=force)
        return super().get_context_data(
            codes=codes,
            whitelist=whitelist,
            codes_table=AuthCodeTable(codes.value or []),
            whitelist_table=WhitelistTable(whitelist.value or []),
            **kwargs,
        )


class AuthCodeFormView(AdminOnlyMixin, FormView):
    """Create or edit: Justsend's refusal shows on the form, and what was typed stays."""

    template_name = "billing/auth_code_form.html"
    form_class = AuthCodeForm

    def save(self, form: AuthCodeForm):
        raise NotImplementedError

    def form_valid(self, form):
        try:
            code = self.save(form)
        except SmsNotFound:
            messages.error(self.request, _("This authorisation code no longer exists in Justsend."))
            return redirect(MAIL2SMS_URL)
        except (SmsError, ApplicationError) as exc:
            form.add_error(None, _("Justsend did not save it: %(error)s") % {"error": exc.message})
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("Authorisation code %(code)s saved.") % {"code": code.code or code.id or ""},
        )
        return redirect(MAIL2SMS_URL)


class AuthCodeCreateView(AuthCodeFormView):
    extra_context = {"creating": True}

    def save(self, form):
        return auth_code_create(code_settings=form.code_settings(), user=self.request.user)


class AuthCodeEditView(AuthCodeFormView):
    extra_context = {"creating": False}

    def dispatch(self, request, *args, **kwargs):
        self.code_id = kwargs["code_id"]
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        try:
            self.code = auth_code_get(auth_code_id=self.code_id)
        except (SmsError, ApplicationError) as exc:
            messages.error(request, _("Could not load the code: %(error)s") % {"error": exc.message})
            return redirect(MAIL2SMS_URL)
        if self.code is None:
            messages.error(request, _("This authorisation code no longer exists in Justsend."))
            return redirect(MAIL2SMS_URL)
        return super().get(request, *args, **kwargs)

    def get_initial(self):
        code = getattr(self, "code", None)
        return AuthCodeForm.initial_from(code) if code is not None else {}

    def save(self, form):
        return auth_code_update(
            auth_code_id=self.code_id, code_settings=form.code_settings(), user=self.request.user
        )


class ConfirmDeleteView(AdminOnlyMixin, TemplateView):
    """GET asks for confirmation; POST deletes in Justsend."""

    template_name = "billing/confirm_delete.html"
    id_kwarg: str

    def find(self, item_id: str):
        raise NotImplementedError

    def delete(self, item_id: str) -> None:
        raise NotImplementedError

    def get_context_data(self, **kwargs):
        item_id = self.kwargs[self.id_kwarg]
        return super().get_context_data(item=self.find(item_id), item_id=item_id, **kwargs)

    def post(self, request, *args, **kwargs):
        item_id = kwargs[self.id_kwarg]
        try:
            self.delete(item_id)
        except SmsNotFound:
            messages.info(request, _("It was already gone from Justsend."))
        except (SmsError, ApplicationError) as exc:
            messages.error(request, _("Justsend did not delete it: %(error)s") % {"error": exc.message})
            return redirect(request.path)
        else:
            messages.success(request, self.done_message)
        return redirect(MAIL2SMS_URL)


class AuthCodeDeleteView(ConfirmDeleteView):
    id_kwarg = "code_id"
    extra_context = {"kind": "auth_code"}

    @property
    def done_message(self) -> str:
        return _("Authorisation code deleted.")

    def find(self, item_id):
        return next((c for c in auth_codes_get().value or [] if c.id == item_id), None)

    def delete(self, item_id):
        auth_code_delete(auth_code_id=item_id, user=self.request.user)


class WhitelistDeleteView(ConfirmDeleteView):
    id_kwarg = "entry_id"
    extra_context = {"kind": "whitelist"}

    @property
    def done_message(self) -> str:
        return _("Address removed from the whitelist.")

    def find(self, item_id):
        return next((e for e in whitelist_get().value or [] if e.id == item_id), None)

    def delete(self, item_id):
        whitelist_entry_delete(entry_id=item_id, user=self.request.user)

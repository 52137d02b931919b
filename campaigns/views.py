"""Campaign pages: list, compose, preview (with test send), launch, detail with live
progress, cancel, duplicate, send again; and single messages. Views validate and call
services; reads go through selectors."""

from __future__ import annotations

import logging
from datetime import datetime, time

from django.contrib import messages
from django.http import Http404, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import View
from django.views.generic import DetailView, FormView, TemplateView
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin
from django_tables2.paginators import LazyPaginator

from campaigns import selectors
from campaigns.filters import CampaignFilter, RecipientFilter
from campaigns.forms import CampaignForm, SingleMessageForm, TestSendForm
from campaigns.models import Campaign
from campaigns.provider_options import DEFAULT_PROVIDER, provider_label
from campaigns.reports import campaign_report_filename, campaign_report_rows
from campaigns.services.audience import Removed
from campaigns.services.cancelling import campaign_cancel
from campaigns.services.editing import (
    campaign_create,
    campaign_duplicate,
    campaign_resend_undelivered,
    campaign_update,
)
from campaigns.services.provider_sending import (
    campaign_in_doubt_count,
    campaign_in_doubt_resend,
)
from campaigns.services.preview import campaign_preview_get, removed_numbers_csv
from campaigns.services.sending import campaign_launch
from campaigns.services.test_send import campaign_test_send, single_message_send
from campaigns.statistics.selectors import campaign_delivery_stats
from campaigns.tables import CampaignTable, RecipientTable, SingleMessageTable
from justsend_panel.core.exceptions import ApplicationError
from justsend_panel.core.paging import page_number
from justsend_panel.sms.registry import vocabulary
from justsend_panel.core.permissions import USE_PANEL, PanelPermissionMixin
from justsend_panel.core.spreadsheets import spreadsheet_csv_response

JS = vocabulary("justsend")
rules = JS.rules

logger = logging.getLogger(__name__)

VIEW = (USE_PANEL, "campaigns.view_campaign")
ADD = (USE_PANEL, "campaigns.add_campaign")
CHANGE = (USE_PANEL, "campaigns.change_campaign")
# How often the detail page asks for fresh counts while a campaign is on its way.
POLL_SECONDS = 2


class CampaignObjectMixin:
    """Loads the campaign named by the URL once per request."""

    def dispatch(self, request, *args, **kwargs):
        self.campaign = selectors.campaign_get(pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(campaign=self.campaign, **kwargs)


class CampaignProgressMixin(CampaignObjectMixin):
    """The campaign's progress from its counters, for the page and the polled partial."""

    def get_context_data(self, **kwargs):
        progress = selectors.campaign_progress_get(campaign=self.campaign)
        return super().get_context_data(poll_seconds=POLL_SECONDS, progress=progress, **kwargs)


class CampaignListView(PanelPermissionMixin, SingleTableMixin, FilterView):
    permission_required = VIEW
    table_class = CampaignTable
    filterset_class = CampaignFilter
    template_name = "campaigns/campaign_list.html"
    paginate_by = 25

    def get_queryset(self):
        return selectors.campaign_list_qs()


# --- compose ---------------------------------------------------------------------------


class CampaignComposeMixin:
    template_name = "campaigns/campaign_form.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "campaign": getattr(self, "campaign", None)}

    def form_valid(self, form):
        try:
            campaign = self.save(form)
        except ApplicationError as error:
            form.add_error(None, error.message)
            return self.form_invalid(form)
        return redirect("campaigns:campaign_preview", pk=campaign.pk)


class CampaignCreateView(PanelPermissionMixin, CampaignComposeMixin, FormView):
    permission_required = ADD
    form_class = CampaignForm

    def save(self, form) -> Campaign:
        return campaign_create(user=self.request.user, data=form.campaign_data())


class CampaignUpdateView(PanelPermissionMixin, CampaignObjectMixin, CampaignComposeMixin, FormView):
    permission_required = CHANGE
    form_class = CampaignForm

    def get(self, request, *args, **kwargs):
        if self.campaign.status != Campaign.Status.DRAFT:
            return self._not_editable()
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        if self.campaign.status != Campaign.Status.DRAFT:
            return self._not_editable()
        return super().post(request, *args, **kwargs)

    def _not_editable(self):
        messages.warning(
            self.request,
            _("This campaign is %(status)s and can no longer be changed; duplicate it to send a changed copy.")
            % {"status": self.campaign.get_status_display().lower()},
        )
        return redirect("campaigns:campaign_detail", pk=self.campaign.pk)

    def save(self, form) -> Campaign:
        return campaign_update(campaign=self.campaign, data=form.campaign_data())


class CampaignFieldsView(PanelPermissionMixin, View):
    """The personalisation fields of the groups chosen in the composer, as JSON:
    ``GET ?groups=1&groups=2`` -> ``{"fields": [{"key": "name", "label": "Name"}, …]}``
    (the member fields first, then the groups' attribute keys)."""

    permission_required = ADD
    http_method_names = ["get"]

    def get(self, request, *args, **kwargs):
        group_ids = [int(v) for v in request.GET.getlist("groups") if v.isdigit()][:1000]
        fields = [{"key": key, "label": label} for key, label in selectors.personalisation_fields_get(group_ids=group_ids)]
        return JsonResponse({"fields": fields})


# --- preview, test send, launch -------------------------------------------------------------


class CampaignPreviewView(PanelPermissionMixin, CampaignObjectMixin, TemplateView):
    """GET: the audience, samples and cost of a draft; POST: a test send to one number."""

    permission_required = VIEW
    template_name = "campaigns/campaign_preview.html"

    def dispatch(self, request, *args, **kwargs):
        if request.method == "POST":
            self.permission_required = CHANGE
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        if self.campaign.status != Campaign.Status.DRAFT:
            return redirect("campaigns:campaign_detail", pk=self.campaign.pk)
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        form = TestSendForm(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(test_form=form))
        msisdn = form.cleaned_data["msisdn"]
        try:
            sent = campaign_test_send(campaign=self.campaign, msisdn=msisdn,
                                      token=form.cleaned_data["token"], user=request.user)
        except ApplicationError as error:
            messages.error(request, error.message)
            return redirect("campaigns:campaign_preview", pk=self.campaign.pk)
        values = {"msisdn": msisdn, "id": sent.outcome.result.id or "—", "text": sent.text,
                  "variant": sent.variant, "provider": provider_label(self.campaign.provider)}
        if sent.outcome.repeated:
            messages.info(request, _("This test was sent already (%(provider)s id %(id)s); it "
                                     "was not sent again.") % values)
        elif self.campaign.provider != DEFAULT_PROVIDER:
            messages.success(
                request,
                _("Test message sent to %(msisdn)s through %(provider)s (id %(id)s): "
                  "“%(text)s”") % values,
            )
        elif self.campaign.variant == Campaign.Variant.VOICE:
            messages.success(request, _(
                "A single message cannot be a call: the test went to %(msisdn)s as an "
                "%(variant)s SMS with the call's text (Justsend id %(id)s): “%(text)s”") % values)
        else:
            messages.success(
                request,
                _("Test message sent to %(msisdn)s as %(variant)s (Justsend id %(id)s): "
                  "“%(text)s”") % values,
            )
        return redirect("campaigns:campaign_preview", pk=self.campaign.pk)

    def get_context_data(self, **kwargs):
        kwargs.setdefault("test_form", TestSendForm())
        return super().get_context_data(
            preview=campaign_preview_get(campaign=self.campaign),
            removed_kinds=[k.value for k in Removed],
            outside_country_reason=rules.outside_country_reason(
                self.campaign.variant, self.campaign.country
            ),
            **kwargs,
        )


class CampaignRemovedNumbersView(PanelPermissionMixin, CampaignObjectMixin, View):
    """The numbers of one kind the preview removed, as CSV."""

    permission_required = VIEW

    def get(self, request, *args, kind: str, **kwargs):
        if kind not in {k.value for k in Removed}:
            raise Http404(_("No such list."))
        return spreadsheet_csv_response(
            rows=removed_numbers_csv(campaign=self.campaign, kind=kind),
            filename=f"campaign-{self.campaign.pk}-{kind}.csv",
        )


class CampaignLaunchView(PanelPermissionMixin, CampaignObjectMixin, TemplateView):
    """GET asks for confirmation, POST launches."""

    permission_required = CHANGE
    template_name = "campaigns/campaign_confirm.html"

    def get_context_data(self, **kwargs):
        scheduled = self.campaign.scheduled_at
        # What will happen, restated: the same figures the preview showed, read again now.
        preview = campaign_preview_get(campaign=self.campaign)
        return super().get_context_data(
            action="launch",
            title=_("Launch “%(name)s”?") % {"name": self.campaign.name},
            question=(
                _("Until then it can be cancelled without cost.")
                if scheduled
                else _("It will be handed to Justsend now; messages start going out within minutes.")
                if self.campaign.provider == DEFAULT_PROVIDER
                else _("It will be handed to %(provider)s now; messages start going out within "
                       "minutes.") % {"provider": provider_label(self.campaign.provider)}
            ),
            preview=preview,
            scheduled_local=timezone.localtime(scheduled) if scheduled else None,
            time_zone=timezone.get_current_timezone_name(),
            confirm_label=_("Yes, launch"),
            confirm_class="btn-success",
            back_url=reverse("campaigns:campaign_preview", args=[self.campaign.pk]),
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        try:
            campaign_launch(campaign=self.campaign, user=request.user)
        except ApplicationError as error:
            messages.error(request, error.message)
            return redirect("campaigns:campaign_preview", pk=self.campaign.pk)
        messages.success(request, _("The campaign is launched."))
        return redirect("campaigns:campaign_detail", pk=self.campaign.pk)


# --- detail, progress, cancel, duplicate, send again ----------------------------------------


class CampaignRecipientsMixin(PanelPermissionMixin, CampaignProgressMixin, SingleTableMixin):
    """The campaign's recipient table, filtered and paged from the query string: the same on
    the detail page and in the partial it polls while the campaign is on its way."""

    permission_required = VIEW
    table_class = RecipientTable
    filterset_class = RecipientFilter
    # Pages without COUNT(*): a campaign may have a million recipients.
    table_pagination = {"paginator_class": LazyPaginator, "per_page": 50}

    def get_queryset(self):
        return selectors.recipient_list_qs(campaign=self.campaign)


class CampaignDetailView(CampaignRecipientsMixin, FilterView):
    template_name = "campaigns/campaign_detail.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            in_doubt=campaign_in_doubt_count(campaign=self.campaign), **kwargs)


class CampaignReportView(PanelPermissionMixin, CampaignObjectMixin, View):
    """Every recipient with status, operator, times and the text sent, as streamed CSV."""

    permission_required = VIEW

    def get(self, request, *args, **kwargs):
        return spreadsheet_csv_response(
            rows=campaign_report_rows(campaign=self.campaign),
            filename=campaign_report_filename(campaign=self.campaign),
        )


class CampaignRecipientsView(CampaignRecipientsMixin, FilterView):
    """The recipient table alone, polled by the detail page (with its query string) as long
    as the progress polls; once the campaign is final it renders without the trigger."""

    template_name = "campaigns/_recipients.html"


class CampaignProgressView(CampaignRecipientsMixin, FilterView):
    """What the detail page polls: the progress card (status, bar, counts, actions) and, out
    of band, the recipient table (the page's filter and page) and the delivery charts, all
    read in one request so the card, the table and the charts show the same moment."""

    template_name = "campaigns/_live.html"

    def get_context_data(self, **kwargs):
        stats = campaign_delivery_stats(campaign=self.campaign)
        return super().get_context_data(stats=stats, chart=stats.chart(), **kwargs)


class CampaignCancelView(PanelPermissionMixin, CampaignObjectMixin, TemplateView):
    permission_required = CHANGE
    template_name = "campaigns/campaign_confirm.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            action="cancel",
            title=_("Cancel “%(name)s”?") % {"name": self.campaign.name},
            question=_(
                "Messages not yet sent will not be sent. Messages already sent cannot be called back."
            ),
            confirm_label=_("Yes, cancel the campaign"),
            confirm_class="btn-danger",
            back_url=reverse("campaigns:campaign_detail", args=[self.campaign.pk]),
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        try:
            campaign_cancel(campaign=self.campaign, user=request.user)
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Cancelling the campaign."))
        return redirect("campaigns:campaign_detail", pk=self.campaign.pk)


class CampaignInDoubtResendView(PanelPermissionMixin, CampaignObjectMixin, TemplateView):
    """GET: the warning; POST: send the in-doubt recipients again, in new recorded calls."""

    permission_required = CHANGE
    template_name = "campaigns/campaign_confirm.html"

    def get_context_data(self, **kwargs):
        count = campaign_in_doubt_count(campaign=self.campaign)
        return super().get_context_data(
            action="resend-in-doubt",
            title=_("Send to the in-doubt recipients of “%(name)s”?") % {"name": self.campaign.name},
            question=ngettext(
                "The provider did not confirm whether it took the message to %(count)d "
                "recipient. It may already have been sent: sending it again may deliver it "
                "twice and will be charged again.",
                "The provider did not confirm whether it took the messages to %(count)d "
                "recipients. Some may already have been sent: sending them again may deliver "
                "them twice and will be charged again.",
                count,
            ) % {"count": count},
            confirm_label=_("Yes, send them again"),
            confirm_class="btn-warning",
            back_url=reverse("campaigns:campaign_detail", args=[self.campaign.pk]),
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        try:
            count = campaign_in_doubt_resend(campaign=self.campaign, user=request.user)
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, ngettext(
                "Sending again to %(count)d in-doubt recipient.",
                "Sending again to %(count)d in-doubt recipients.", count) % {"count": count})
        return redirect("campaigns:campaign_detail", pk=self.campaign.pk)


class CampaignCopyView(PanelPermissionMixin, CampaignObjectMixin, View):
    """POST: a new draft from this campaign (``duplicate`` or ``resend`` the undelivered)."""

    permission_required = ADD
    http_method_names = ["post"]
    services = {"duplicate": campaign_duplicate, "resend": campaign_resend_undelivered}

    def post(self, request, *args, how: str, **kwargs):
        service = self.services.get(how)
        if service is None:
            raise Http404
        try:
            copy = service(campaign=self.campaign, user=request.user)
        except ApplicationError as error:
            messages.error(request, error.message)
            return redirect("campaigns:campaign_detail", pk=self.campaign.pk)
        messages.success(request, _("A new draft was made: check it and launch it when ready."))
        return redirect("campaigns:campaign_edit", pk=copy.pk)


# --- single messages ----------------------------------------------------------------------


RECORDED_ON_LIST = 25


class SingleMessageListView(PanelPermissionMixin, SingleTableMixin, TemplateView):
    """Single messages as Justsend lists them (``/overview/singlemessages``), a page at a time."""

    permission_required = VIEW
    template_name = "campaigns/single_message_list.html"
    table_class = SingleMessageTable
    table_pagination = False

    def get(self, request, *args, **kwargs):
        self.page_number = page_number(request)
        self.start = _date(request.GET.get("start"))
        self.end = _date(request.GET.get("end"))
        self.result = selectors.single_message_page(
            page=self.page_number - 1,
            start=_aware(self.start, time.min),
            end=_aware(self.end, time.max),
        )
        return super().get(request, *args, **kwargs)

    def get_table_data(self):
        return self.result.items

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            result=self.result, page_number=self.page_number, start=self.start, end=self.end,
            recorded=selectors.sent_messages_recorded()[:RECORDED_ON_LIST], **kwargs,
        )


class SingleMessageDetailView(PanelPermissionMixin, TemplateView):
    permission_required = VIEW
    template_name = "campaigns/single_message_detail.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            lookup=selectors.single_message_get(message_id=kwargs["message_id"]), **kwargs
        )


class SentMessageDetailView(PanelPermissionMixin, DetailView):
    """A single message sent through a provider other than Justsend, as the panel recorded
    it: kind, channel (SMS or Viber, Telegram or WhatsApp), the provider's cost and the
    delivery status polled since (a verification code only masked)."""

    permission_required = VIEW
    template_name = "campaigns/sent_message_detail.html"
    context_object_name = "message"

    def get_queryset(self):
        return selectors.sent_messages_recorded()


class SingleMessageSendView(PanelPermissionMixin, FormView):
    permission_required = ADD
    template_name = "campaigns/single_message_form.html"
    form_class = SingleMessageForm

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            outcome = single_message_send(
                msisdn=data["msisdn"], content=data["content"], token=data["token"],
                user=self.request.user, **form.send_arguments(),
            )
        except ApplicationError as error:
            form.add_error(None, error.message)
            return self.form_invalid(form)
        result = outcome.result
        if outcome.repeated:
            messages.info(self.request, _("This message was sent already to %(msisdn)s; it was "
                                          "not sent again.") % {"msisdn": data["msisdn"]})
        else:
            messages.success(self.request, _("Message sent to %(msisdn)s.") % {"msisdn": data["msisdn"]})
        if data["provider"] != DEFAULT_PROVIDER and outcome.sent_message_id is not None:
            # Only Justsend lists single messages back; another provider's: the panel's record.
            return redirect("campaigns:sent_message_detail", pk=outcome.sent_message_id)
        if data["provider"] != DEFAULT_PROVIDER:
            if result.id and not outcome.repeated:
                messages.info(self.request, _("%(provider)s's message id: %(id)s.")
                              % {"provider": provider_label(data["provider"]), "id": result.id})
            return redirect("campaigns:single_message_send")
        if result.id:
            return redirect("campaigns:single_message_detail", message_id=result.id)
        return redirect("campaigns:single_message_list")


def _date(value: str | None):
    try:
        return datetime.strptime(value, "%Y-%m-%d").date() if value else None
    except ValueError:
        return None


def _aware(day, at: time) -> datetime | None:
    return timezone.make_aware(datetime.combine(day, at)) if day else None

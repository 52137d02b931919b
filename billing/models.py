"""Billing: what the panel remembers of the Justsend account.

Balances, prices, transactions and Mail2SMS settings belong to Justsend; the panel keeps
only what it needs when Justsend cannot answer (the last account readings, which also
draw the balance chart), the low-balance threshold, and which campaign uploaded which
recipients file.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from justsend_panel.core.models import TimeStampedModel


class AccountSnapshot(models.Model):
    """The account summary as Justsend gave it at one moment.

    Written by the beat task and by every successful fetch of the summary; the newest row
    is what pages show while Justsend is unreachable, and the rows draw the chart.
    """

    class Source(models.TextChoices):
        BEAT = "beat", _("Scheduled")
        PAGE = "page", _("Page view")
        REFRESH = "refresh", _("Refresh")

    taken_at = models.DateTimeField(_("taken at"), db_index=True)
    account_balance = models.DecimalField(_("account balance"), max_digits=14, decimal_places=2)
    promo_points = models.DecimalField(
        _("promo points"), max_digits=14, decimal_places=2, default=Decimal("0")
    )
    # {"PRO": "9.00", ...} from pricingConfigs; strings keep the decimals exact.
    prices = models.JSONField(_("price per variant"), default=dict, blank=True)
    # The variants GET /pricing/config offers.
    variants = models.JSONField(_("variants offered"), default=list, blank=True)
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)

    class Meta:
        verbose_name = _("account snapshot")
        verbose_name_plural = _("account snapshots")
        ordering = ["-taken_at"]
        get_latest_by = "taken_at"

    def __str__(self) -> str:
        return f"{self.account_balance} @ {self.taken_at:%Y-%m-%d %H:%M}"

    @property
    def available_points(self) -> Decimal:
        return self.account_balance + self.promo_points


class BillingSettings(models.Model):
    """The panel's own billing settings: one row, edited in admin or on the Billing page."""

    low_balance_threshold = models.DecimalField(
        _("low-balance threshold (points)"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_(
            "A banner shows on every page while the available points (balance plus promo "
            "points) are under this value, and campaign launches check it. Empty: no warning."
        ),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("updated by"),
    )

    class Meta:
        verbose_name = _("billing settings")
        verbose_name_plural = _("billing settings")

    def __str__(self) -> str:
        return str(_("Billing settings"))


class UploadedFileLink(TimeStampedModel):
    """Which campaign uploaded a recipients file to Justsend.

    Justsend's file descriptors do not say who uploaded them. The campaign launch records
    one row per upload (file name, and the bulk id when Justsend answers one); the
    Uploaded files page matches descriptors to rows by bulk id, else by file name.
    ``campaign_id`` is a plain number until the Campaign model exists.
    """

    file_name = models.CharField(_("file name"), max_length=255, db_index=True)
    batch_id = models.CharField(_("batch id at the provider"), max_length=64, blank=True,
                                db_index=True)
    campaign_id = models.PositiveBigIntegerField(_("campaign"), null=True, blank=True)
    campaign_name = models.CharField(_("campaign name"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("uploaded file link")
        verbose_name_plural = _("uploaded file links")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.file_name

from django.db import models
from django.utils.translation import gettext_lazy as _


class TimeStampedModel(models.Model):
    """Base for the panel's own rows: when each was created and last changed."""

    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class PanelAccess(models.Model):
    """Holds the panel-wide permissions that belong to no single model; has no table."""

    class Meta:
        managed = False
        default_permissions = ()
        permissions = [
            ("use_panel", _("Can use the panel pages")),
            ("manage_connection", _("Can see and check the Justsend connection")),
        ]


class WorkerHeartbeat(models.Model):
    """A row a Celery worker writes when it runs the heartbeat task: proof it is alive.

    Beat asks for one every minute; the panel shows the newest, and a test asks for one
    to prove that a task enqueued after commit really runs in a worker process.
    """

    source = models.CharField(_("asked by"), max_length=100)
    hostname = models.CharField(_("worker host"), max_length=255)
    pid = models.PositiveIntegerField(_("worker process id"))
    requested_at = models.DateTimeField(_("requested at"))
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("worker heartbeat")
        verbose_name_plural = _("worker heartbeats")
        ordering = ["-recorded_at"]

    def __str__(self) -> str:
        return f"{self.hostname} @ {self.recorded_at:%Y-%m-%d %H:%M:%S}"


class ProviderSetting(models.Model):
    """An SMS provider's non-secret choices, edited by administrators on the Providers page.

    Credentials and base URLs come from the environment only (settings); this row holds
    what an administrator may change while the panel runs. No row: the defaults below.
    """

    provider = models.CharField(_("provider"), max_length=20, unique=True)
    default_sender = models.CharField(_("default sender"), max_length=40, blank=True)
    # For providers whose API gives no price: the panel's cost preview is segments x this.
    price_per_segment = models.DecimalField(
        _("price per segment"), max_digits=10, decimal_places=4, null=True, blank=True
    )
    currency = models.CharField(_("currency"), max_length=8, blank=True)
    # Requests per second to this provider across every worker; empty: the provider's default.
    rate_limit = models.FloatField(_("requests per second"), null=True, blank=True)
    # The account's numbers a provider sends from (capability ``from_numbers``: JustCall's
    # SMS-enabled numbers), E.164; the forms offer only these.
    from_numbers = models.JSONField(_("From numbers"), default=list, blank=True)
    # SMS.by: the Viber name single messages are forwarded from (the API has no list of them).
    vibername_id = models.PositiveIntegerField(_("Viber name id"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("provider setting")
        verbose_name_plural = _("provider settings")
        ordering = ["provider"]

    def __str__(self) -> str:
        return self.provider

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy as _

from justsend_panel.audit.actions import Action
from justsend_panel.core.exceptions import ApplicationError

# Who acted when no user did (actor_label); see audit_record.
SYSTEM = "system"
POSTBACK = "Justsend postback"
BEAT = "beat"


class AutomaticActor(models.TextChoices):
    SYSTEM = SYSTEM, _("System")
    POSTBACK = POSTBACK, _("Justsend postback")
    BEAT = BEAT, _("Scheduler")


class AppendOnlyError(ApplicationError):
    """An audit entry, once written, is never changed or deleted."""


class AuditEntryQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError(gettext("The activity log cannot be changed."))

    def delete(self):
        raise AppendOnlyError(gettext("The activity log cannot be changed."))

    update.queryset_only = True
    delete.queryset_only = True


class AuditEntry(models.Model):
    """One thing someone (or the panel itself) did: append-only.

    ``summary`` holds the English text (a msgid); ``summary_params`` the values put into
    it. Both are rendered in the reader's language when shown (:attr:`summary_text`), so
    an entry written by a worker in no particular language reads right in either.
    """

    at = models.DateTimeField(_("when"), default=timezone.now, editable=False)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    actor_label = models.CharField(
        _("automatic actor"), max_length=30, blank=True, choices=AutomaticActor.choices
    )
    action = models.CharField(_("action"), max_length=40, choices=Action.choices)
    object_type = models.CharField(_("object type"), max_length=100, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    object_label = models.CharField(_("object"), max_length=255, blank=True)
    summary = models.CharField(_("summary"), max_length=500, blank=True)
    summary_params = models.JSONField(_("summary values"), default=dict, blank=True)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("activity entry")
        verbose_name_plural = _("activity")
        ordering = ["-at", "-pk"]
        indexes = [
            models.Index(fields=["-at", "-id"], name="audit_at"),
            models.Index(fields=["actor", "-at"], name="audit_actor_at"),
            models.Index(fields=["action", "-at"], name="audit_action_at"),
            models.Index(fields=["object_type", "object_id", "-at"], name="audit_object_at"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.action} {self.object_label}".strip()

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError(gettext("The activity log cannot be changed."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError(gettext("The activity log cannot be changed."))

    @property
    def actor_display(self) -> str:
        if self.actor_id is not None:
            return self.actor.get_username()
        return self.get_actor_label_display()

    @property
    def summary_text(self) -> str:
        """The summary in the active language, its values put in."""
        if not self.summary:
            return ""
        text = gettext(self.summary)
        if self.summary_params:
            params = {
                name: gettext(value["msgid"]) if isinstance(value, dict) and "msgid" in value
                else value
                for name, value in self.summary_params.items()
            }
            try:
                return text % params
            except (KeyError, TypeError, ValueError):
                return text
        return text

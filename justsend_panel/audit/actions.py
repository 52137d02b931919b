"""Every action the audit log records: a dotted name that stays stable in the table and
a label translated when it is shown."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

# The object_type of an entry about a phone number (its id is the number, E.164 digits):
# a blacklisting, a single message. Its page is the number's history.
NUMBER = "number"


class Action(models.TextChoices):
    LOGIN = "auth.login", _("Logged in")
    LOGIN_FAILED = "auth.login_failed", _("Failed login")
    LOCKED_OUT = "auth.locked_out", _("Locked out")
    USER_CREATED = "user.created", _("User created")
    USER_ROLE_CHANGED = "user.role_changed", _("Role changed")
    USER_DEACTIVATED = "user.deactivated", _("User deactivated")
    USER_REACTIVATED = "user.reactivated", _("User reactivated")
    USER_PASSWORD_RESET_SENT = "user.password_reset_sent", _("Password reset link sent")
    USER_UNLOCKED = "user.unlocked", _("User unlocked")
    IMPORT_STARTED = "import.started", _("Import started")
    IMPORT_FINISHED = "import.finished", _("Import finished")
    IMPORT_FAILED = "import.failed", _("Import failed")
    CAMPAIGN_CREATED = "campaign.created", _("Campaign created")
    CAMPAIGN_LAUNCHED = "campaign.launched", _("Campaign launched")
    CAMPAIGN_SCHEDULED = "campaign.scheduled", _("Campaign scheduled")
    CAMPAIGN_CANCELLED = "campaign.cancelled", _("Campaign cancelled")
    CAMPAIGN_DUPLICATED = "campaign.duplicated", _("Campaign duplicated")
    CAMPAIGN_RESENT = "campaign.resent", _("Campaign sent again")
    CAMPAIGN_IN_DOUBT_RESENT = "campaign.in_doubt_resent", _("In-doubt recipients re-sent")
    MESSAGE_TEST_SENT = "message.test_sent", _("Test message sent")
    MESSAGE_SINGLE_SENT = "message.single_sent", _("Single message sent")
    BLACKLIST_ADDED = "blacklist.added", pgettext_lazy("activity", "Blacklisted")
    BLACKLIST_REMOVED = "blacklist.removed", pgettext_lazy(
        "activity", "Removed from the blacklist")
    BLACKLIST_STOP_REPLY = "blacklist.stop_reply", _("Blacklisted by a STOP reply")
    GROUP_CREATED = "group.created", _("Group created")
    GROUP_CHANGED = "group.changed", _("Group changed")
    GROUP_DELETED = "group.deleted", _("Group deleted")
    GROUP_PULLED = "group.pulled", pgettext_lazy("activity", "Pulled from Justsend")
    SYNC_FAILED = "sync.failed", _("Sync with Justsend failed")
    SETTINGS_LOW_BALANCE = "settings.low_balance", _("Low-balance threshold changed")
    SETTINGS_MAIL2SMS = "settings.mail2sms", _("Mail2SMS changed")
    CONNECTION_CHECKED = "connection.checked", _("Connection checked")
    SETTINGS_PROVIDER = "settings.provider", _("Provider settings changed")
    MEDIA_UPLOADED = "media.uploaded", _("Media file uploaded")
    MEDIA_DELETED = "media.deleted", _("Media file deleted")

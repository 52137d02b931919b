"""The three roles a user of the panel holds exactly one of, as the Users pages offer them."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from justsend_panel.core.roles import ADMINISTRATORS, MARKETING, VIEWER


class Role(models.TextChoices):
    """A role is the name of its group; Administrators are also staff (Django admin)."""

    MARKETING = MARKETING, _("Marketing")
    VIEWER = VIEWER, _("Viewer")
    ADMINISTRATOR = ADMINISTRATORS, _("Administrator")


ROLE_GROUPS = tuple(Role.values)
# Least to most powerful: a user left with several role groups (made in Django admin) may do
# what the last of theirs allows.
ROLES_BY_POWER = (Role.VIEWER.value, Role.MARKETING.value, Role.ADMINISTRATOR.value)

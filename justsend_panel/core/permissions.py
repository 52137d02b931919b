from django.contrib.auth.mixins import PermissionRequiredMixin

USE_PANEL = "core.use_panel"
MANAGE_CONNECTION = "core.manage_connection"


class PanelPermissionMixin(PermissionRequiredMixin):
    """A panel page: logged in (the middleware) and allowed to use the panel, else 403."""

    permission_required = USE_PANEL
    raise_exception = True


class AdminOnlyMixin(PanelPermissionMixin):
    """An administrators' page: Marketing staff get 403."""

    permission_required = MANAGE_CONNECTION

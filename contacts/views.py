from django.views.generic import TemplateView

from justsend_panel.core.permissions import PanelPermissionMixin


class GroupListView(PanelPermissionMixin, TemplateView):
    template_name = "contacts/group_list.html"


class BlacklistView(PanelPermissionMixin, TemplateView):
    template_name = "contacts/blacklist.html"

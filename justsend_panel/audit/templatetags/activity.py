from django import template

from justsend_panel.audit.actions import NUMBER
from justsend_panel.audit.selectors import audit_entries_for_object
from justsend_panel.core.permissions import MANAGE_CONNECTION

register = template.Library()


@register.inclusion_tag("audit/_object_activity.html", takes_context=True)
def object_activity(context, obj=None, number: str = "", limit: int = 10):
    """The object's last entries (or a phone number's), with a link to all of them."""
    request = context.get("request")
    if number:
        object_type, object_id = NUMBER, number
    else:
        object_type, object_id = obj._meta.label_lower, str(obj.pk)
    return {
        "entries": audit_entries_for_object(
            object_type=object_type, object_id=object_id, limit=limit),
        "object_type": object_type, "object_id": object_id,
        # The link only for those who may open the Activity page.
        "activity_allowed": request is not None and request.user.has_perm(MANAGE_CONNECTION),
    }

"""Error pages in the panel's layout, with a sentence that says what happened."""

from django.test import RequestFactory
from django.urls import reverse
from django.views.defaults import server_error

from contacts.models import Group
from contacts.services.groups import group_delete


def test_a_page_of_something_deleted_meanwhile_is_a_404_in_the_panel(marketing_client, db):
    """A member form left open while the group was deleted in another tab."""
    group = Group.objects.create(name="Gone soon")
    url = reverse("contacts:member_create", args=[group.pk])
    assert marketing_client.get(url).status_code == 200
    group_delete(group=group)
    response = marketing_client.post(url, {"msisdn": "600400199"})
    page = response.content.decode()
    assert response.status_code == 404
    assert 'data-testid="error-page" data-status="404"' in page
    assert "deleted meanwhile" in page and reverse("core:dashboard") in page
    assert 'class="navbar' in page  # the panel's navigation, not a bare page


def test_a_page_the_role_does_not_allow_is_a_403_in_the_panel(marketing_client):
    response = marketing_client.get("/admin/")
    page = response.content.decode()
    assert response.status_code == 403
    assert 'data-status="403"' in page and "Your role does not allow this" in page
    assert 'class="navbar' in page


def test_the_500_page_renders_without_a_request_context():
    response = server_error(RequestFactory().get("/"))
    page = response.content.decode()
    assert response.status_code == 500
    assert 'data-status="500"' in page and "Nothing you had saved is lost" in page


def test_a_403_logs_one_line_with_the_user_and_the_path(marketing_client, caplog):
    """Issue 15 point 19: Django logged every 403 with a 25-line traceback."""
    import logging

    with caplog.at_level(logging.WARNING, logger="django.request"):
        assert marketing_client.get("/admin/?q=1").status_code == 403
    records = [r for r in caplog.records if r.name == "django.request"]
    assert len(records) == 1
    record = records[0]
    assert record.levelno == logging.WARNING and record.exc_info is None
    assert record.getMessage() == "Forbidden (403): user marketer, GET /admin/?q=1"
    line = logging.Formatter("%(levelname)s %(name)s: %(message)s").format(record)
    assert "\n" not in line and "Traceback" not in line

"""Issue 15 point 18: django-celery-beat's periodic-task form may run its inline script
(and only that page gets a nonce in its policy); /favicon.ico is served and admin pages
name the icon."""

import re

import pytest
from django_celery_beat.models import IntervalSchedule, PeriodicTask

pytestmark = pytest.mark.django_db


def _script_src(response) -> str:
    policy = response["Content-Security-Policy"]
    return next(part.strip() for part in policy.split(";") if part.strip().startswith("script-src"))


def test_the_periodic_task_form_gets_a_nonce_for_its_inline_script(admin_client_panel):
    every = IntervalSchedule.objects.create(every=10, period=IntervalSchedule.SECONDS)
    task = PeriodicTask.objects.create(name="tick", task="campaigns.poll_in_flight",
                                       interval=every)
    for url in ("/admin/django_celery_beat/periodictask/add/",
                f"/admin/django_celery_beat/periodictask/{task.pk}/change/"):
        response = admin_client_panel.get(url)
        assert response.status_code == 200
        nonce = re.search(r"'nonce-([^']+)'", _script_src(response)).group(1)
        html = response.content.decode()
        assert f'<script id="periodic-task-overrides" nonce="{nonce}">' in html
        assert "'unsafe-inline'" not in _script_src(response)


@pytest.mark.parametrize("url", ["/", "/campaigns/", "/admin/",
                                 "/admin/django_celery_beat/periodictask/"])
def test_every_other_page_keeps_script_src_self_only(admin_client_panel, url):
    response = admin_client_panel.get(url)
    assert response.status_code == 200
    assert _script_src(response) == "script-src 'self'"


def test_favicon_ico_is_served_without_login(client):
    response = client.get("/favicon.ico", follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[-1][0].endswith("favicon.ico")
    body = b"".join(response.streaming_content) if response.streaming else response.content
    assert body[:4] == b"\x00\x00\x01\x00"  # an ICO file


def test_admin_pages_name_the_icon(admin_client_panel):
    html = admin_client_panel.get("/admin/").content.decode()
    assert 'rel="icon" href="/static/favicon.svg"' in html
    assert 'rel="icon" href="/static/favicon.ico"' in html

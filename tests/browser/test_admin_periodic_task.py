"""Issue 15 point 18 in a real browser: django-celery-beat's periodic-task form runs its
inline script (the crontab translation field is hidden by it) with no CSP violation."""

import pytest

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_periodic_task_form_runs_its_script_without_a_csp_violation(
        logged_in_page, live_server, screenshot):
    page = logged_in_page
    errors = []
    page.on("console", lambda message: errors.append(message.text)
            if message.type == "error" else None)
    page.goto(f"{live_server.url}/admin/django_celery_beat/periodictask/add/")
    page.wait_for_load_state("networkidle")
    assert page.locator("#periodic-task-overrides").count() == 1
    # The script hides the read-only translation row: it ran.
    assert page.locator(".field-crontab_translation").first.is_hidden()
    assert not [e for e in errors if "Content Security Policy" in e], errors
    assert page.locator("select[name=regtask] option[value='campaigns.submit']").count() == 1
    screenshot("admin-periodic-task")

"""Issue #14's acceptance path in Chromium with the real worker, in English and in Polish:
an administrator creates a Marketing user in one step; that user logs in, imports a CSV and
launches a campaign; the administrator sees those three entries on the Activity page.
Screenshots of each step go to artifacts/screenshots/."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import translation

from campaigns.models import Campaign
from contacts.models import Group, Import, Member
from justsend_panel.audit.actions import Action
from justsend_panel.audit.models import AuditEntry
from justsend_panel.core.users.forms import PasswordChoice
from justsend_panel.core.users.selectors import user_role_get
from tests.browser.test_campaign_composer import choose_group, logged_in, shot
from tests.fixtures.worker import wait_until

pytestmark = [pytest.mark.browser, pytest.mark.integration,
              pytest.mark.django_db(transaction=True)]

NEW_PASSWORD = "kestrel-harbour-lantern-91"
CSV = "telefon;imie\n500 123 123;Anna\n+48 600-100-200;Jan\n0048 730 000 111;Zofia\n"


@pytest.fixture(autouse=True)
def uploads_removed():
    yield
    for job in Import.objects.all():
        job.file.delete(save=False)


@pytest.mark.parametrize("locale", ["en-US", "pl-PL"])
def test_a_new_marketing_user_imports_and_launches_and_the_administrator_sees_it(
    browser, live_server, panel_sandbox, celery_worker_process, administrator, locale
):
    language = locale[:2]

    def t(text: str) -> str:
        with translation.override(language):
            return translation.gettext(text)

    group = Group.objects.create(name="Newsletter")

    # An administrator creates the user in one step: name, e-mail, role, a first password.
    admin = logged_in(browser, live_server, administrator, locale=locale)
    assert admin.locator("html").get_attribute("lang") == language
    # The navigation fits: the user menu is on the screen, in either language.
    menu = admin.get_by_test_id("user-menu").bounding_box()
    assert menu["x"] + menu["width"] <= admin.viewport_size["width"]
    admin.get_by_test_id("admin-menu").get_by_role("button", name=t("Administration")).click()
    admin.locator("nav").get_by_role("link", name=t("Users"), exact=True).click()
    admin.get_by_role("link", name=t("New user")).click()
    admin.fill("#id_first_name", "Ewa")
    admin.fill("#id_last_name", "Zielińska")
    admin.fill("#id_email", "ewa@example.com")
    admin.fill("#id_username", "ewa")
    admin.select_option("#id_role", "Marketing")
    admin.check(f"input[name=password_choice][value={PasswordChoice.SET_NOW}]")
    admin.fill("#id_password", NEW_PASSWORD)
    shot(admin, f"accountability-create-user-{language}")
    admin.get_by_role("button", name=t("Create user")).click()
    admin.get_by_role("alert").filter(has_text="ewa").wait_for()
    ewa = get_user_model().objects.get(username="ewa")
    assert user_role_get(ewa) == "Marketing" and ewa.email == "ewa@example.com"

    # That user logs in with the password given.
    context = browser.new_context(locale=locale)
    user = context.new_page()
    user.goto(f"{live_server.url}/accounts/login/")
    user.fill("#id_username", "ewa")
    user.fill("#id_password", NEW_PASSWORD)
    user.get_by_role("button", name=t("Log in")).click()
    user.wait_for_url(f"{live_server.url}/")

    # ... imports a CSV into the group (the real worker runs it) ...
    user.goto(f"{live_server.url}{reverse('contacts:import_start')}?group={group.pk}")
    user.locator("input[type=file]").set_input_files(
        files=[{"name": "newsletter.csv", "mimeType": "text/csv", "buffer": CSV.encode()}]
    )
    user.get_by_role("button", name=t("Upload and map columns")).click()
    user.wait_for_url("**/mapping/")
    user.get_by_role("button", name=t("Start the import")).click()
    user.wait_for_url("**/imports/*/")
    user.locator("[data-testid=import-progress][data-state=finished]").wait_for(timeout=60_000)
    assert user.get_by_test_id("count-imported").inner_text() == "3"
    assert Member.objects.filter(group=group).count() == 3
    shot(user, f"accountability-import-{language}")

    # ... and launches a campaign to it.
    user.goto(f"{live_server.url}/campaigns/new/")
    user.fill("#id_name", "Newsletter December")
    user.fill("#id_message", "Hello from the panel")
    choose_group(user, "Newsletter", label=t("Groups"))
    user.click("form[data-compose] button[type=submit]")
    user.wait_for_url("**/preview/")
    assert user.get_by_test_id("recipients").inner_text() == "3"
    user.get_by_test_id("launch").click()
    user.get_by_role("button", name=t("Yes, launch")).click()
    campaign = Campaign.objects.get(name="Newsletter December")
    user.wait_for_url(f"**/campaigns/{campaign.pk}/")
    wait_until(lambda: Campaign.objects.get(pk=campaign.pk).status == Campaign.Status.SENDING,
               timeout=60)
    assert campaign.launched_by_id == ewa.pk
    context.close()

    # The administrator sees those three entries, by that user, on the Activity page.
    admin.get_by_test_id("admin-menu").locator("a.dropdown-toggle").click()
    admin.locator("nav a[href='/activity/']").click()
    admin.select_option("#id_actor", str(ewa.pk))
    admin.locator("form[data-testid=activity-filters] button[type=submit]").click()
    admin.wait_for_url(f"**actor={ewa.pk}**")
    rows = admin.get_by_test_id("activity").locator("tbody tr")
    texts = rows.all_inner_texts()

    def label(action: Action) -> str:
        with translation.override(language):
            return str(action.label)

    # Each once, on its object; newest first: the launch, the import, the log-in.
    seen = []
    for action, on in ((Action.CAMPAIGN_LAUNCHED, "Newsletter December"),
                       (Action.IMPORT_STARTED, "Newsletter"), (Action.LOGIN, "ewa")):
        matching = [i for i, text in enumerate(texts) if label(action) in text]
        assert len(matching) == 1, (action, texts)
        assert on in texts[matching[0]], texts[matching[0]]
        seen.append(matching[0])
    assert seen == sorted(seen), texts
    shot(admin, f"accountability-activity-{language}")

    # One entry each, with the right user and object.
    by_ewa = AuditEntry.objects.filter(actor=ewa)
    assert by_ewa.filter(action=Action.LOGIN).count() == 1
    assert by_ewa.get(action=Action.IMPORT_STARTED).object_type == "contacts.import"
    launched = by_ewa.get(action=Action.CAMPAIGN_LAUNCHED)
    assert (launched.object_type, launched.object_id) == ("campaigns.campaign", str(campaign.pk))
    created = AuditEntry.objects.get(action=Action.USER_CREATED)
    assert created.actor == administrator and created.object_id == str(ewa.pk)

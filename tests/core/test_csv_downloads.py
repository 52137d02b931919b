"""Every CSV download of the panel follows one convention: UTF-8 with a BOM, the separators
of the reader's language (Polish ``;`` and a decimal comma, English ``,`` and a point),
formulas defused, Polish letters intact. Each export view is asked in both languages."""

import csv
import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from campaigns.models import Campaign, Recipient
from campaigns.statistics.selectors import DayRow, Figures, Statistics, StatsQuery
from contacts.imports.csvfile import format_detect
from contacts.imports.mapping import mapping_guess
from contacts.imports.services import import_create, import_run, import_start
from contacts.models import Group, Member
from justsend_panel.audit.models import Action
from justsend_panel.audit.services import audit_record
from justsend_panel.sms.justsend.types import Transaction
from justsend_panel.sms.types import Money

pytestmark = pytest.mark.django_db

FORMULA = "=cmd|' /C calc'!A0"
POLISH = "Zażółć gęślą jaźń ŁÓDŹ"
BOM = "\ufeff"


def _group_export(settings, monkeypatch, tmp_path):
    group = Group.objects.create(name="Customers")
    Member.objects.create(group=group, msisdn="48500100100", name=FORMULA, surname=POLISH)
    return reverse("contacts:group_export", args=[group.pk])


def _import_errors(settings, monkeypatch, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    group = Group.objects.create(name="Customers")
    content = f"telefon;imie\n500100100;Anna\n{FORMULA};{POLISH}\n".encode()
    uploaded = SimpleUploadedFile("contacts.csv", content, content_type="text/csv")
    file_format = format_detect(uploaded)
    uploaded.seek(0)
    job = import_create(uploaded=uploaded, file_format=file_format,
                        mapping=mapping_guess(file_format), group=group)
    import_start(job=job, mapping=job.mapping, skip_blacklisted=False)
    import_run(import_id=job.pk)
    return reverse("contacts:import_errors", args=[job.pk])


def _statistics(settings, monkeypatch, tmp_path):
    today = timezone.localdate()
    statistics = Statistics(
        query=StatsQuery(start=today - timedelta(days=1), end=today), source="justsend",
        rows=[DayRow(day=today, variant=f"{FORMULA} {POLISH}", sent=4, delivered=3,
                     points=Decimal("2.5"), cost=Decimal("0.25"))],
        local_totals=Figures(), currency="PLN",
    )
    monkeypatch.setattr("campaigns.statistics.views.statistics_get", lambda **kwargs: statistics)
    return reverse("campaigns:statistics_export") + "?source=justsend"


def _transactions(settings, monkeypatch, tmp_path):
    transaction = Transaction(
        id="1", user_id=1, transaction_date=timezone.now(), value=Money(Decimal("12.5"), "PLN"),
        amount_in_points=Decimal("-2.5"), account_balance_in_points=Decimal("97.5"),
        transaction_type="CHARGE", payment_provider=None, payment_method=None,
        transaction_status=None, transaction_error=f"{FORMULA} {POLISH}",
        internal_transaction_id=None, external_transaction_id=None, bulk_id=None,
        create_date=None, modified_date=None,
    )
    monkeypatch.setattr("billing.views.lists.transactions_iter",
                        lambda **kwargs: iter([transaction]))
    return reverse("billing:transactions_export")


def _removed_numbers(settings, monkeypatch, tmp_path):
    campaign = Campaign.objects.create(
        name="Spring", message="Hello", variant="ECO", bulk_type="STANDARD",
        pasted_numbers=f"{FORMULA} {POLISH}\n500100100",
    )
    return reverse("campaigns:campaign_removed_numbers", args=[campaign.pk, "invalid"])


def _campaign_report(settings, monkeypatch, tmp_path):
    campaign = Campaign.objects.create(
        name="Spring", message="Hi {name}", variant="ECO", bulk_type="PERSONALIZED",
        status=Campaign.Status.FINISHED, submitted_at=timezone.now(),
    )
    Recipient.objects.create(campaign=campaign, msisdn="48500100100",
                             content=f"{FORMULA} {POLISH}", status=Recipient.Status.DELIVERED)
    return reverse("campaigns:campaign_report", args=[campaign.pk])


def _activity(settings, monkeypatch, tmp_path):
    audit_record(action=Action.GROUP_CREATED, object_type="contacts.group", object_id="1",
                 object_label=FORMULA, summary=POLISH)
    return reverse("audit:activity_export")


EXPORTS = {
    "group export": _group_export,
    "import invalid rows": _import_errors,
    "statistics": _statistics,
    "transactions": _transactions,
    "campaign removed numbers": _removed_numbers,
    "campaign report": _campaign_report,
    "activity": _activity,
}
# The Activity page is for administrators only.
ADMIN_ONLY = {"activity"}


@pytest.mark.parametrize("language, delimiter", [("pl", ";"), ("en", ",")])
@pytest.mark.parametrize("export", EXPORTS)
def test_every_csv_download_follows_the_convention(
    request, settings, monkeypatch, tmp_path, export, language, delimiter
):
    client = request.getfixturevalue(
        "admin_client_panel" if export in ADMIN_ONLY else "marketing_client")
    url = EXPORTS[export](settings, monkeypatch, tmp_path)
    response = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment; filename=")
    body = b"".join(response.streaming_content)
    assert body.startswith(BOM.encode())
    text = body.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    assert len(rows) >= 2 and len(rows[0]) >= 2, rows  # the header splits on the separator
    other = "," if delimiter == ";" else ";"
    assert len(next(csv.reader(io.StringIO(text), delimiter=other))) == 1
    cells = [cell for row in rows[1:] for cell in row]
    assert any(cell.startswith("'" + FORMULA) for cell in cells), cells
    assert not any(cell.startswith(("=", "+", "@")) for cell in cells), cells
    assert any(POLISH in cell for cell in cells), cells

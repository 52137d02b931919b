"""Running imports in-process: counts, dedup, blacklist, outbox, idempotent re-runs."""

import csv
import io
from datetime import timedelta

import pytest
from django.utils import timezone

from contacts.imports import services
from contacts.imports.reports import import_errors_csv
from contacts.imports.services import import_batch_run, import_plan, import_run, imports_resume
from contacts.models import BlacklistEntry, Group, Import, ImportBatch, Member, SyncOperation
from justsend_panel.core.spreadsheets import spreadsheet_csv_chunks
from tests.contacts.imports.conftest import csv_bytes, import_file, import_prepare

pytestmark = pytest.mark.django_db


def numbers(count: int, start: int = 0) -> list[str]:
    return [f"50{start + i:07d}" for i in range(count)]


def totals(job: Import) -> dict:
    from contacts.imports.selectors import import_progress_get

    progress = import_progress_get(job=job)
    return {k: getattr(progress, k) for k in ("rows", "valid", "invalid", "duplicates",
                                               "blacklisted", "imported")}


def test_import_adds_members_with_fields_attributes_and_counts(group):
    job = import_file(
        csv_bytes(
            "telefon;imie;nazwisko;adres;miasto",
            "500 123 123;Anna;Nowak;Długa 1;Kraków",
            "+48 600-100-200;Jan;Kowalski;;",
            "0048500123123;Anna;Again;;",  # the same number as row 2
            "22 123 45 67;Landline;;;",
            "not a number;X;;;",
        ),
        group=group,
    )
    assert job.state == Import.State.FINISHED and job.total_rows == 5
    assert totals(job) == {"rows": 5, "valid": 3, "invalid": 2, "duplicates": 1,
                           "blacklisted": 0, "imported": 2}
    anna = Member.objects.get(group=group, msisdn="48500123123")
    assert (anna.name, anna.surname, anna.address) == ("Anna", "Nowak", "Długa 1")
    assert anna.attributes == {"miasto": "Kraków"}
    assert Member.objects.get(msisdn="48600100200").attributes == {}
    group.refresh_from_db()
    assert group.member_count == 2 == Member.objects.filter(group=group).count()
    (push,) = SyncOperation.objects.filter(kind=SyncOperation.Kind.MEMBERS_ADD)
    assert sorted(push.payload["msisdns"]) == ["48500123123", "48600100200"]


def test_numbers_already_in_the_group_are_duplicates_and_left_as_they_were(group):
    Member.objects.create(group=group, msisdn="48500000001", name="Kept")
    Group.objects.filter(pk=group.pk).update(member_count=1)
    job = import_file(csv_bytes("telefon;imie", "500000001;Replaced?", "500000002;New"),
                      group=group)
    assert totals(job)["duplicates"] == 1 and totals(job)["imported"] == 1
    assert Member.objects.get(msisdn="48500000001").name == "Kept"
    group.refresh_from_db()
    assert group.member_count == 2


@pytest.mark.parametrize("skip", [False, True])
def test_blacklisted_numbers_are_flagged_or_skipped(group, skip):
    BlacklistEntry.objects.create(msisdn="48500000002")
    job = import_file(csv_bytes("telefon", *numbers(3)), group=group, skip_blacklisted=skip)
    assert totals(job)["blacklisted"] == 1
    in_group = set(Member.objects.filter(group=group).values_list("msisdn", flat=True))
    assert ("48500000002" in in_group) is not skip
    assert totals(job)["imported"] == (2 if skip else 3)


def test_batches_each_push_their_own_new_numbers_and_total_is_exact(group):
    rows = numbers(95) + numbers(10)  # ten repeated, across batches
    job = import_file(csv_bytes("telefon", *rows), group=group, batch_rows=20)
    assert job.batches.count() == 6
    assert totals(job) == {"rows": 105, "valid": 105, "invalid": 0, "duplicates": 10,
                           "blacklisted": 0, "imported": 95}
    pushed = [m for op in SyncOperation.objects.filter(kind="members_add")
              for m in op.payload["msisdns"]]
    assert sorted(pushed) == sorted(f"48{n}" for n in numbers(95))


def test_a_new_group_is_created_and_queued_for_justsend(db):
    job = import_file(csv_bytes("telefon", "500123123"), new_group_name="Fresh leads")
    assert job.group.name == "Fresh leads" and job.group.country == "POLAND"
    assert SyncOperation.objects.filter(kind="group_create", group=job.group).exists()
    assert job.group.members.count() == 1


def test_thousands_of_invalid_rows_are_reported_with_reasons_and_neutralised(group):
    bad = [f"=HYPERLINK(\"x\");{i}" for i in range(3000)] + ["@SUM(1)", "-1+2"]
    job = import_file(csv_bytes("telefon;n", *bad, "500123123;ok"), group=group,
                      batch_rows=1000)
    assert totals(job)["invalid"] == 3002 and totals(job)["imported"] == 1
    report = report_rows(job)
    assert report[0] == ["row", "reason", "repeats row", "telefon", "n"]
    assert len(report) == 3003
    assert report[1][0] == "2" and report[1][3].startswith("'=HYPERLINK")
    assert report[-2][3] == "'@SUM(1)" and report[-1][3] == "'-1+2"
    assert all(not row[3].startswith(("=", "+", "-", "@")) for row in report[1:])
    assert "is not a phone number" in report[-1][1] or "not a valid" in report[-1][1]


def report_rows(job: Import) -> list[list[str]]:
    text = "".join(spreadsheet_csv_chunks(import_errors_csv(job=job), language="en"))
    return list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))


@pytest.mark.parametrize("batch_rows", [None, 3])
def test_the_report_holds_invalid_and_duplicate_rows_whole_with_the_row_they_repeat(
    group, batch_rows
):
    Member.objects.create(group=group, msisdn="48500000009", name="Earlier import")
    job = import_file(
        csv_bytes(
            "telefon;imie;miasto;uwagi",
            "500 000 001;Anna;Łódź;first",      # row 2: added
            "abc;Jan;Kraków;bad number",          # row 3: invalid
            "500000002;Ola;Gdańsk;",              # row 4: added
            "+48 500 000 001;Anna2;Łódź;again",   # row 5: repeats row 2
            "500000009;Piotr;Poznań;known",       # row 6: already in the group
            "500000002;Ola;Gdańsk;x;extra",       # row 7: repeats row 4 (one cell more)
            "=1+2;Zoe;;",                         # row 8: invalid
        ),
        group=group, batch_rows=batch_rows,
    )
    assert totals(job) == {"rows": 7, "valid": 5, "invalid": 2, "duplicates": 3,
                           "blacklisted": 0, "imported": 2}
    header, *rows = report_rows(job)
    assert header == ["row", "reason", "repeats row", "telefon", "imie", "miasto", "uwagi"]
    assert [row[0] for row in rows] == ["3", "5", "6", "7", "8"]
    by_row = {row[0]: row for row in rows}
    assert by_row["3"][3:] == ["abc", "Jan", "Kraków", "bad number"]
    assert by_row["8"][3:] == ["'=1+2", "Zoe", "", ""]
    assert by_row["6"][1:] == ["Duplicate: the number is already in the group.", "",
                               "500000009", "Piotr", "Poznań", "known"]
    if batch_rows is None:  # one batch: the repeated row is named
        assert by_row["5"][1:] == ["Duplicate: the number is in row 2 too.", "2",
                                   "'+48 500 000 001", "Anna2", "Łódź", "again"]
        assert by_row["7"][1:3] == ["Duplicate: the number is in row 4 too.", "4"]
    else:  # rows 5 and 7 are in other batches than 2 and 4: their numbers were in the group
        assert by_row["5"][1:3] == ["Duplicate: the number is already in the group.", ""]
    assert by_row["7"][3:] == ["500000002", "Ola", "Gdańsk", "x", "extra"]


def test_a_report_kept_before_whole_rows_still_downloads(group):
    job = import_file(csv_bytes("telefon", "abc"), group=group)
    ImportBatch.objects.filter(import_job=job).update(errors=[[2, "abc", "Not a number."]])
    assert report_rows(job)[1] == ["2", "Not a number.", "", "abc"]


def test_file_without_a_usable_number_column_cannot_start(group):
    with pytest.raises(Exception) as raised:
        import_prepare(csv_bytes("imie;nazwisko", "Anna;Nowak"), group=group)
    assert "phone numbers" in str(raised.value)
    assert not Import.objects.filter(state=Import.State.QUEUED).exists()


def test_crash_between_commits_then_run_again_leaves_no_duplicate_and_no_gap(group, monkeypatch):
    """A worker dies after committing batch 2 of 5; the re-run finishes the rest."""
    rows = numbers(100)
    job = import_prepare(csv_bytes("telefon", *rows), group=group, batch_rows=20)
    real_write = services._batch_write
    calls = {"n": 0}

    def dying_write(**kwargs):
        calls["n"] += 1
        if calls["n"] == 3:
            raise SystemExit("worker killed")  # as if SIGKILL hit before batch 3 committed
        return real_write(**kwargs)

    monkeypatch.setattr(services, "_batch_write", dying_write)
    with pytest.raises(SystemExit):
        import_run(import_id=job.pk)
    monkeypatch.setattr(services, "_batch_write", real_write)
    states = dict(job.batches.values_list("number", "state"))
    assert list(states.values()).count(ImportBatch.State.DONE) == 2
    assert Member.objects.filter(group=group).count() == 40

    # The same task delivered again right away: the claimed batch's lease is still alive.
    import_run(import_id=job.pk)
    job.refresh_from_db()
    assert job.state == Import.State.RUNNING
    # Its lease runs out (the dead worker renews it no more): the batch is taken over.
    job.batches.filter(state=ImportBatch.State.RUNNING).update(
        lease_expires_at=timezone.now() - timedelta(seconds=1)
    )
    import_run(import_id=job.pk)
    job.refresh_from_db()
    assert job.state == Import.State.FINISHED
    msisdns = list(Member.objects.filter(group=group).values_list("msisdn", flat=True))
    assert sorted(msisdns) == sorted(f"48{n}" for n in rows)  # no gap, no duplicate
    group.refresh_from_db()
    assert group.member_count == 100
    assert totals(job)["imported"] == 100 and totals(job)["duplicates"] == 0
    pushed = [m for op in SyncOperation.objects.filter(kind="members_add")
              for m in op.payload["msisdns"]]
    assert sorted(pushed) == sorted(msisdns)  # each number pushed exactly once


def test_a_finished_batch_run_again_changes_nothing(group):
    job = import_file(csv_bytes("telefon", *numbers(30)), group=group, batch_rows=10)
    first = job.batches.get(number=1)
    assert import_batch_run(batch_id=first.pk) is False
    ImportBatch.objects.filter(pk=first.pk).update(state=ImportBatch.State.PENDING)
    assert import_batch_run(batch_id=first.pk) is True  # replayed: the upsert ignores them
    first.refresh_from_db()
    assert (first.imported, first.duplicates) == (0, 10)
    group.refresh_from_db()
    assert group.member_count == 30 == Member.objects.filter(group=group).count()


def _batches_held(job, *, lease_in: timedelta, touched_ago: timedelta):
    import_plan(job=job)
    now = timezone.now()
    job.batches.update(state=ImportBatch.State.RUNNING, attempts=1, lease_token="worker",
                       lease_expires_at=now + lease_in, updated_at=now - touched_ago)
    Import.objects.filter(pk=job.pk).update(state=Import.State.RUNNING,
                                            updated_at=now - touched_ago)


def test_resume_queues_imports_nobody_holds_and_leaves_live_leases_alone(
    group, django_capture_on_commit_callbacks, monkeypatch
):
    lost = import_prepare(csv_bytes("telefon", "500123123"), group=group)  # message lost
    dead = import_prepare(csv_bytes("telefon", "500123124"), group=group)
    # Its worker died seconds ago: the lease has run out, though the rows moved recently.
    _batches_held(dead, lease_in=timedelta(seconds=-1), touched_ago=timedelta(seconds=20))
    busy = import_prepare(csv_bytes("telefon", "500123125"), group=group)
    # A slow batch: nothing moved for ten minutes, but its holder renews the lease.
    _batches_held(busy, lease_in=timedelta(seconds=50), touched_ago=timedelta(minutes=10))
    sent = []
    from justsend_panel.celery import app as celery_app

    monkeypatch.setattr(celery_app, "send_task",
                        lambda name, kwargs, **o: sent.append((name, kwargs)))
    with django_capture_on_commit_callbacks(execute=True):
        assert sorted(imports_resume()) == sorted([lost.pk, dead.pk])
    assert sorted(kw["import_id"] for _name, kw in sent) == sorted([lost.pk, dead.pk])
    assert {name for name, _kw in sent} == {services.IMPORT_RUN_TASK}

    import_run(import_id=dead.pk)  # the takeover
    dead.refresh_from_db()
    assert dead.state == Import.State.FINISHED
    import_run(import_id=busy.pk)  # a redelivered message: the lease decides, nothing runs
    assert not busy.batches.filter(state=ImportBatch.State.DONE).exists()


def test_an_import_runs_in_slices_that_queue_the_rest_on_their_queue(
    group, django_capture_on_commit_callbacks, monkeypatch, settings
):
    settings.CONTACTS_IMPORT_RUNNERS = 1
    job = import_prepare(csv_bytes("telefon", *numbers(30)), group=group, batch_rows=10)
    from justsend_panel.celery import app as celery_app

    queued = []
    monkeypatch.setattr(celery_app, "send_task",
                        lambda name, kwargs, **options: name == services.IMPORT_RUN_TASK
                        and queued.append({"kwargs": kwargs, **options}))
    with django_capture_on_commit_callbacks(execute=True):
        assert import_run(import_id=job.pk, queue="imports", budget=0) is True
    assert job.batches.filter(state=ImportBatch.State.DONE).count() == 1
    assert queued == [{"kwargs": {"import_id": job.pk}, "queue": "imports"}]
    assert Import.objects.get(pk=job.pk).state == Import.State.RUNNING

    assert import_run(import_id=job.pk, budget=0) is True  # batch 2
    assert import_run(import_id=job.pk, budget=0) is False  # batch 3, and the import closes
    job.refresh_from_db()
    assert job.state == Import.State.FINISHED
    assert totals(job)["imported"] == 30 == Member.objects.filter(group=group).count()


def test_a_broker_outage_during_the_imports_push_request_leaves_it_finished(
    db, django_capture_on_commit_callbacks, monkeypatch, panel_sandbox
):
    """The on-commit push request of each batch fails: the import is still complete, and
    the push sweep pushes its numbers."""
    from contacts.services.groups import group_create
    from contacts.services.push import sync_push_pending
    from justsend_panel.celery import app as celery_app

    pushed = group_create(name="Pushed")
    sync_push_pending()
    job = import_prepare(csv_bytes("telefon", *numbers(30)), group=pushed, batch_rows=10)

    def broker_down(name, kwargs=None, **options):
        raise ConnectionRefusedError("broker down")

    monkeypatch.setattr(celery_app, "send_task", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        import_run(import_id=job.pk)
    job.refresh_from_db()
    assert job.state == Import.State.FINISHED, job.error
    pending = SyncOperation.objects.filter(kind="members_add", state="pending")
    assert sum(op.items_total for op in pending) == 30

    sync_push_pending()  # what beat's push sweep runs
    assert not SyncOperation.objects.exclude(state="done").exists()


def test_a_missing_file_fails_the_import_with_a_message(group):
    job = import_prepare(csv_bytes("telefon", "500123123"), group=group)
    job.file.storage.delete(job.file.name)
    import_run(import_id=job.pk)
    job.refresh_from_db()
    assert job.state == Import.State.FAILED
    assert "no longer on the server" in job.error


def test_the_planning_run_queues_helpers_that_share_the_batches(
    group, django_capture_on_commit_callbacks, monkeypatch, settings
):
    job = import_prepare(csv_bytes("telefon", *numbers(30)), group=group, batch_rows=10)
    from justsend_panel.celery import app as celery_app

    queued = []
    monkeypatch.setattr(celery_app, "send_task",
                        lambda name, kwargs, **options: name == services.IMPORT_RUN_TASK
                        and queued.append({"kwargs": kwargs, **options}))
    settings.CONTACTS_IMPORT_RUNNERS = 3
    first_batch_done = []
    real_write = services._batch_write

    def write_then_help(**kwargs):
        """After the first batch, a helper (queued at planning) runs in between."""
        done = real_write(**kwargs)
        if not first_batch_done:
            first_batch_done.append(True)
            import_run(import_id=job.pk)  # a helper: takes the batches still pending
        return done

    monkeypatch.setattr(services, "_batch_write", write_then_help)
    with django_capture_on_commit_callbacks(execute=True):
        import_run(import_id=job.pk, queue="imports")
    assert queued == [{"kwargs": {"import_id": job.pk}, "queue": "imports"}] * 2
    job.refresh_from_db()
    assert job.state == Import.State.FINISHED
    assert totals(job)["imported"] == 30 == Member.objects.filter(group=group).count()
    assert ImportBatch.objects.filter(import_job=job, state="done", attempts=1).count() == 3


def test_a_foreign_number_imported_into_a_local_group_is_flagged_with_its_reason(group):
    """Issue 13 point 4: a LOCAL group is sent to Justsend as Poland's; a foreign number in
    it would be left out of every campaign."""
    job = import_file(csv_bytes("telefon;imie", "500123123;Jan", "+421 905 123 456;Eva",
                                "0049 1512 3456789;Hans"), group=group)
    assert totals(job)["invalid"] == 2 and totals(job)["imported"] == 1
    report = report_rows(job)
    assert [row[1] for row in report[1:]] == [
        "“+421 905 123 456” is not a Polish number; a local group takes Polish numbers only "
        "(import it into an international group).",
        "“0049 1512 3456789” is not a Polish number; a local group takes Polish numbers only "
        "(import it into an international group).",
    ]
    assert list(Member.objects.values_list("msisdn", flat=True)) == ["48500123123"]


def test_an_international_group_imports_foreign_numbers(db):
    group = Group.objects.create(name="SK", group_type=Group.Type.INTERNATIONAL, country="SLOVAKIA")
    job = import_file(csv_bytes("telefon", "+421 905 123 456", "00421905123457"), group=group)
    assert totals(job)["invalid"] == 0 and totals(job)["imported"] == 2

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from contacts.imports.csvfile import format_detect
from contacts.imports.mapping import mapping_guess
from contacts.imports.services import import_create, import_run, import_start
from contacts.models import Group


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Uploads of a test go to its own folder."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def group(db):
    return Group.objects.create(name="Customers")


def csv_bytes(*lines: str, encoding: str = "utf-8", newline: str = "\n") -> bytes:
    return (newline.join(lines) + newline).encode(encoding)


def import_prepare(content: bytes, *, group=None, name="contacts.csv", batch_rows=None,
                   skip_blacklisted=False, mapping=None, **create):
    """Upload, keep the guessed mapping (or the one given) and queue: what the pages do."""
    uploaded = SimpleUploadedFile(name, content, content_type="text/csv")
    file_format = format_detect(uploaded)
    uploaded.seek(0)
    job = import_create(
        uploaded=uploaded, file_format=file_format,
        mapping=mapping or mapping_guess(file_format), group=group, batch_rows=batch_rows,
        **create,
    )
    return import_start(job=job, mapping=job.mapping, skip_blacklisted=skip_blacklisted)


def import_file(content: bytes, **kwargs):
    job = import_prepare(content, **kwargs)
    import_run(import_id=job.pk)
    job.refresh_from_db()
    return job

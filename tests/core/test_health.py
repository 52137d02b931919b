import pytest
from django.conf import settings


@pytest.mark.django_db
def test_healthz_reports_database_and_broker_without_login(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"] == "ok"
    assert body["broker"] == "ok"
    assert "worker_last_seen" in body


@pytest.mark.django_db
def test_healthz_reports_a_broken_broker_as_503(client, monkeypatch):
    from kombu import Connection

    from justsend_panel.celery import app

    # Nothing listens on port 1: the broker is down.
    monkeypatch.setattr(
        app, "connection_for_write", lambda: Connection("redis://127.0.0.1:1/0", connect_timeout=1)
    )
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["broker"] == "error"
    assert "127.0.0.1:1" not in response.content.decode()


@pytest.mark.django_db
def test_sqlite_connections_run_in_wal_mode():
    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip(f"the suite runs on {connection.vendor} here; WAL is a SQLite setting")
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        assert cursor.fetchone()[0] == "wal"

"""CI claims production behaviour: prove the suite really ran on PostgreSQL and Redis."""

import os

import pytest
from django.conf import settings
from django.db import connection

pytestmark = pytest.mark.skipif(
    not os.environ.get("PANEL_REQUIRE_SERVICES"),
    reason="PANEL_REQUIRE_SERVICES is not set: this run uses the embedded SQLite and broker",
)


@pytest.mark.django_db
def test_database_is_postgresql():
    assert connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        assert int(cursor.fetchone()[0].split(".")[0]) >= 13


def test_broker_is_redis():
    from justsend_panel.celery import app

    assert settings.CELERY_BROKER_URL.startswith("redis://")
    with app.connection_for_write() as broker:
        broker.ensure_connection(max_retries=1)
        assert broker.transport_cls == "redis"

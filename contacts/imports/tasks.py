"""Celery tasks of CSV imports (listed in CELERY_IMPORTS)."""

"""Justsend Panel: a self-hosted campaign panel for the Justsend SMS and voice API."""

from justsend_panel.celery import app as celery_app

__all__ = ("celery_app",)

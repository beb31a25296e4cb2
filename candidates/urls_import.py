"""Bulk import pages (kept apart so that the import can grow without crowding urls.py)."""

urlpatterns: list = []

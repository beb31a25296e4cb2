"""Bulk import pages (kept apart so that the import can grow without crowding urls.py)."""

from django.urls import path

from . import views_import

urlpatterns: list = [
    path("campagnes/<int:pk>/import/", views_import.import_upload, name="import_upload"),
    path(
        "campagnes/<int:pk>/import/modele.<str:fmt>",
        views_import.import_template,
        name="import_template",
    ),
    path(
        "campagnes/<int:pk>/import/<slug:token>/",
        views_import.import_preview,
        name="import_preview",
    ),
    path(
        "campagnes/<int:pk>/import/<slug:token>/confirmer/",
        views_import.import_confirm,
        name="import_confirm",
    ),
    path(
        "campagnes/<int:pk>/import/<slug:token>/abandonner/",
        views_import.import_cancel,
        name="import_cancel",
    ),
]

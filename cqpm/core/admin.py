from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import admin
from django.http import HttpRequest

from .models import AuditEntry

if TYPE_CHECKING:
    _Admin = admin.ModelAdmin[AuditEntry]
else:
    _Admin = admin.ModelAdmin


@admin.register(AuditEntry)
class AuditEntryAdmin(_Admin):
    list_display = ("at", "action", "object_repr", "actor")
    list_filter = ("action",)
    search_fields = ("object_repr", "action")
    list_select_related = ("actor",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: AuditEntry | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: AuditEntry | None = None) -> bool:
        return False

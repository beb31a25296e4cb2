from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import NotFound
from rest_framework.pagination import CursorPagination


class IdCursorPagination(CursorPagination):
    """Pages of 100 by a cursor on the id (stable, unique, indexed): a page costs the same at
    any depth and rows written meanwhile are neither skipped nor repeated."""

    ordering = ("id",)
    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 500
    cursor_query_description = _("Curseur de la page (lien `next` ou `previous` de la réponse).")
    page_size_query_description = _("Nombre de lignes par page (100 par défaut, 500 au plus).")
    invalid_cursor_message = _("Curseur invalide : reprenez le lien `next` de la page précédente.")

    def decode_cursor(self, request):
        """DRF's decoding, and a position that is an id: anything else is an invalid cursor
        (never a 500 from the database)."""
        cursor = super().decode_cursor(request)
        if cursor is not None and cursor.position is not None:
            position = cursor.position
            if not (position.isdigit() and position.isascii() and int(position) < 2**63):
                raise NotFound(self.invalid_cursor_message)
        return cursor

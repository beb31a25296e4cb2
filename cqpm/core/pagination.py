"""Pages of a long, sorted list that cost what one page shows, not what the sort goes through.

Django's Paginator asks for `SELECT every column of every joined table … ORDER BY … LIMIT 50
OFFSET n`: on PostgreSQL the database then sorts the whole list with all those columns (10,000
registrations with their candidate, company and tutor: an on-disk sort of several megabytes, 50 ms
for a page in the middle) to keep 50 rows. `Paginator` here keeps the same single query but sorts
only the keys: `… WHERE id IN (SELECT id … ORDER BY … LIMIT 50 OFFSET n) ORDER BY …`, the outer
query ordering the 50 rows it reads again. Same rows, same order, same count of queries.

Anything that is not a plain query set of model rows (a list, values(), DISTINCT, GROUP BY, a
UNION) is paged as Django does.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.paginator import Page
from django.core.paginator import Paginator as DjangoPaginator
from django.db.models import QuerySet


def _narrow(object_list: object) -> bool:
    if not isinstance(object_list, QuerySet) or getattr(object_list, "_fields", None) is not None:
        return False  # a list, or values()
    query = object_list.query
    return not (query.combinator or query.distinct or query.group_by is not None or query.is_sliced)


if TYPE_CHECKING:
    _Base = DjangoPaginator[Any]
else:  # Django's classes take no type parameter at run time
    _Base = DjangoPaginator


class Paginator(_Base):
    def page(self, number: Any) -> Page[Any]:
        object_list = self.object_list
        if not isinstance(object_list, QuerySet) or not _narrow(object_list):
            return super().page(number)
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        keys = object_list.values("pk")[bottom:top]
        page: Page[Any] = self._get_page(  # type: ignore[attr-defined]
            object_list.filter(pk__in=keys), number, self
        )
        return page

"""cqpm.core.pagination: the same pages as Django's Paginator, the sort done on the keys only."""

import pytest
from django.core.paginator import Paginator as DjangoPaginator
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import User
from cqpm.core.pagination import Paginator

pytestmark = pytest.mark.django_db


@pytest.fixture
def users():
    # Ties on the last name: the id decides, in both paginators.
    return User.objects.bulk_create(
        User(email=f"u{i}@example.org", last_name=f"Nom{i % 4}", first_name=f"P{i % 3}")
        for i in range(23)
    )


def _pages(paginator_class, queryset, per_page=5, orphans=0):
    paginator = paginator_class(queryset, per_page, orphans=orphans)
    return [
        [user.pk for user in paginator.page(number)] for number in paginator.page_range
    ], paginator.count


@pytest.mark.parametrize("orphans", [0, 2])
@pytest.mark.parametrize("ordering", [("last_name", "first_name", "id"), ("-last_name", "-id")])
def test_it_gives_the_same_pages_as_django(users, ordering, orphans):
    queryset = User.objects.filter(email__endswith="@example.org").order_by(*ordering)
    assert _pages(Paginator, queryset, orphans=orphans) == _pages(
        DjangoPaginator, queryset, orphans=orphans
    )


def test_a_page_is_one_query_that_sorts_only_the_keys(users):
    queryset = User.objects.filter(email__endswith="@example.org").order_by("last_name", "id")
    paginator = Paginator(queryset, 5)
    paginator.count  # noqa: B018 - the count is its own query, as with Django's
    with CaptureQueriesContext(connection) as ctx:
        rows = list(paginator.page(3))
    assert [user.pk for user in rows] == [user.pk for user in queryset[10:15]]
    assert len(ctx.captured_queries) == 1
    assert " IN (SELECT " in ctx.captured_queries[0]["sql"]


def test_lists_and_values_are_paged_as_django_does(users):
    values = User.objects.order_by("id").values("email")
    assert list(Paginator(values, 5).page(2)) == list(DjangoPaginator(values, 5).page(2))
    assert list(Paginator(list(range(12)), 5).page(3)) == [10, 11]

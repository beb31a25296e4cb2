"""CASE identifiers are derived from the referential, stable and distinct (referentials/case.py)."""

import pytest

from referentials import case
from referentials.models import Criterion

from ..factories.referentials import referential_with_capacities

pytestmark = pytest.mark.django_db


def test_identifiers_are_stable_distinct_and_absolute(settings):
    referential = referential_with_capacities(3)
    settings.SITE_URL = "https://cqpm.example.org"
    capacities = list(referential.capacities.order_by("number"))
    criteria = list(Criterion.objects.filter(capacity__referential=referential))
    ids = [case.document_identifier(referential)]
    ids += [case.capacity_identifier(c) for c in capacities]
    ids += [case.criterion_identifier(c) for c in criteria]
    assert len(set(ids)) == len(ids) == 1 + len(capacities) + len(criteria)
    assert case.capacity_identifier(capacities[0]) == case.capacity_identifier(
        type(capacities[0]).objects.get(pk=capacities[0].pk)
    )
    assert case.capacity_uri(capacities[0]) == (
        "https://cqpm.example.org/ims/case/v1p1/CFItems/" + case.capacity_identifier(capacities[0])
    )

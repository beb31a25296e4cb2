"""The menu of a candidate holds their space, not the working entries (the catalogue, API
tokens: the API gives a candidate nothing); everyone else keeps them."""

import pytest
from django.urls import reverse

from candidates.models import CentreMembership
from cqpm.core.access import only_own
from cqpm.core.navigation import nav_items_for

WORKING = {"Référentiels", "Jetons d'API"}


def _labels(user) -> set[str]:
    return {str(item.label) for item in nav_items_for(user)}


def test_a_candidate_sees_their_space_and_not_the_working_entries(candidate_client, invited):
    page = candidate_client.get(reverse("home")).content.decode()
    assert reverse("portal:home") in page
    assert reverse("referentials:list") not in page
    assert reverse("api_tokens:list") not in page
    assert only_own(invited.user)


@pytest.mark.parametrize("persona", ["staff_a", "reviewer", "branch", "tutor", "evaluator"])
def test_it_keeps_the_working_entries_for_everyone_else(request, persona):
    user = request.getfixturevalue(persona)
    assert _labels(user) >= WORKING
    assert not only_own(user)


@pytest.mark.parametrize(
    "role",
    [CentreMembership.Role.STAFF, CentreMembership.Role.EVALUATOR, CentreMembership.Role.JURY],
)
def test_a_candidate_who_also_works_for_a_centre_keeps_them(invited, centre_a, role):
    CentreMembership.objects.create(centre=centre_a, user=invited.user, role=role)
    assert not only_own(invited.user)
    assert _labels(invited.user) >= WORKING

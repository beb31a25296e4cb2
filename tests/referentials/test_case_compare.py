"""Two versions of a referential compared item by item from their CASE items, and the links to
the comparison and to the CASE package from the referential page."""

import copy

import pytest
from django.urls import reverse

from referentials import case
from referentials.case_package import case_compare, case_package
from referentials.selectors import case_referential_queryset
from referentials.services import referential_import
from tests.factories.referentials import referential_with_capacities

pytestmark = pytest.mark.django_db


@pytest.fixture
def versions(seed, seed_data):
    """Version 1 (the seed, archived) and version 2 (published): capacity 2 renamed, a criterion
    added to capacity 3, capacity 7 withdrawn."""
    changed = copy.deepcopy(seed_data)
    changed["capacities"][1]["title"] = "Développer la relation client de l'entreprise"
    changed["capacities"][2]["criteria"]["results"].append("Un nouveau critère de résultat.")
    del changed["capacities"][6]
    second = referential_import(data=changed, publish=True)
    seed.refresh_from_db()
    return seed, second


def _packages(first, second):
    found = {r.pk: r for r in case_referential_queryset().filter(pk__in=[first.pk, second.pk])}
    return case_package(found[first.pk]), case_package(found[second.pk])


def test_it_lists_added_removed_and_changed_items(versions, seed_data):
    before, after = _packages(*versions)

    changes = case_compare(before=before, after=after)

    by_code = {(c.kind, c.coding): c for c in changes}
    renamed = by_code[("changed", "2")]
    assert renamed.item_type == "Capacité professionnelle"
    assert renamed.before.startswith(seed_data["capacities"][1]["title"] + "\n")
    assert renamed.after.startswith("Développer la relation client de l'entreprise\n")
    assert renamed.before_uri == case.capacity_uri(versions[0].capacities.get(number=2))
    assert renamed.after_uri == case.capacity_uri(versions[1].capacities.get(number=2))
    position = len(seed_data["capacities"][2]["criteria"]["results"]) + 1
    assert by_code[("added", f"3.R{position}")].after.startswith("Un nouveau critère")
    removed = {code for kind, code in by_code if kind == "removed"}
    assert "7" in removed and all(code == "7" or code.startswith("7.") for code in removed)
    assert {kind for kind, _code in by_code} == {"changed", "added", "removed"}
    assert len(changes) == 2 + len(removed)
    codes = [c.coding for c in changes]
    assert codes.index("2") < codes.index(f"3.R{position}") < codes.index("7")


def test_the_same_version_has_no_difference(seed):
    package = _packages(seed, seed)[0]
    assert case_compare(before=package, after=package) == []


def test_the_page_shows_the_changed_capacity_title(client_for, tutor, versions):
    first, second = versions

    response = client_for(tutor).get(reverse("referentials:compare", args=[second.pk, first.pk]))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Comparaison des versions 1 et 2" in html
    assert "Développer la relation client de l&#x27;entreprise" in html
    assert "modification" in html and "ajout" in html and "retrait" in html
    assert case.capacity_uri(second.capacities.get(number=2)) in html


def test_the_referential_page_links_to_the_comparison_and_the_package(client_for, tutor, versions):
    first, second = versions

    html = client_for(tutor).get(reverse("referentials:detail", args=[second.pk])).content.decode()

    assert reverse("referentials:compare", args=[second.pk, first.pk]) in html
    assert "Comparer avec la version 1" in html
    assert case.uri("CFPackages", case.document_identifier(second)) in html


def test_drafts_other_codes_and_visitors_get_no_comparison(
    client, client_for, tutor, seed, seed_data
):
    changed = copy.deepcopy(seed_data)
    changed["capacities"][0]["title"] = "Encore un brouillon"
    draft = referential_import(data=changed)
    other = referential_with_capacities(3)
    reader = client_for(tutor)

    assert reader.get(reverse("referentials:compare", args=[seed.pk, draft.pk])).status_code == 404
    assert reader.get(reverse("referentials:compare", args=[seed.pk, other.pk])).status_code == 404
    assert reader.get(reverse("referentials:compare", args=[seed.pk, seed.pk])).status_code == 200
    visitor = client.get(reverse("referentials:compare", args=[seed.pk, seed.pk]))
    assert visitor.status_code == 302

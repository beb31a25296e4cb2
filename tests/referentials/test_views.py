"""Catalogue and referential pages: French, login required, drafts hidden, queries constant."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from referentials.files import referential_file_parse
from referentials.models import Referential
from referentials.services import referential_import
from tests.factories.referentials import ReferentialFactory, referential_with_capacities


@pytest.fixture
def draft(db):
    return ReferentialFactory(code="2020 09 09 0009", title="Brouillon confidentiel")


@pytest.mark.parametrize(
    "name", ["referentials:list", "referentials:detail", "referentials:export"]
)
def test_it_sends_anonymous_users_to_the_login_page(client, seed, name):
    url = reverse(name) if name == "referentials:list" else reverse(name, args=[seed.pk])
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_it_lists_the_catalogue_in_french(client_for, tutor, seed, other_data, draft):
    referential_import(data=other_data)
    response = client_for(tutor).get(reverse("referentials:list"))
    assert response.status_code == 200
    html = response.content.decode()
    for text in (
        "Catalogue des référentiels CQPM",
        "2015 04 54 0303",
        "Responsable d&#x27;affaires",
        "Catégorie D",
        "Catégorie C*",
        "Publié",
        "Rechercher par code ou intitulé",
        "30/04/2015",
    ):
        assert text in html
    rows = {r.code: r.capacity_count for r in response.context["page"].object_list}
    assert rows == {"2001 01 89 0195": 8, "2015 04 54 0303": 7}
    assert "Brouillon confidentiel" not in html


@pytest.mark.parametrize(
    ("query", "codes"),
    [("0303", ["2015 04 54 0303"]), ("maintenance", ["2001 01 89 0195"]), ("rien", [])],
)
def test_it_searches_by_code_or_title(client_for, tutor, seed, other_data, query, codes):
    referential_import(data=other_data)
    response = client_for(tutor).get(reverse("referentials:list"), {"q": query})
    assert [r.code for r in response.context["page"].object_list] == codes
    if not codes:
        assert "Aucun référentiel ne correspond à « rien »." in response.content.decode()


def test_it_shows_drafts_to_administrators_only(client_for, superuser, outsider, draft):
    response = client_for(superuser).get(reverse("referentials:list"))
    assert "Brouillon confidentiel" in response.content.decode()
    assert (
        client_for(superuser).get(reverse("referentials:detail", args=[draft.pk])).status_code
        == 200
    )
    for name in ("referentials:detail", "referentials:export"):
        assert client_for(outsider).get(reverse(name, args=[draft.pk])).status_code == 404
    assert (
        client_for(outsider).get(reverse("referentials:detail", args=[999999])).status_code == 404
    )


@pytest.mark.parametrize(
    "persona", ["staff_a", "staff_b", "tutor", "evaluator", "jury_member", "outsider"]
)
def test_every_logged_in_user_reads_a_published_referential(request, client_for, seed, persona):
    user = request.getfixturevalue(persona)
    response = client_for(user).get(reverse("referentials:detail", args=[seed.pk]))
    assert response.status_code == 200


def test_it_reads_like_the_source_table(client_for, tutor, seed):
    response = client_for(tutor).get(reverse("referentials:detail", args=[seed.pk]))
    html = response.content.decode()
    for text in (
        '<h1 class="h3">Responsable d&#x27;affaires</h1>',
        "Commission paritaire nationale de l&#x27;emploi de la métallurgie",
        "2015 04 54 0303",
        "30/04/2015",
        "I. Objectif professionnel du CQPM",
        "management transversal d&#x27;équipes projets",
        "La gestion opérationnelle et financière d&#x27;une affaire",
        "II. Référentiel de certification",
        '<th scope="col" class="conditions">Conditions de réalisation</th>',
        "7. Réaliser un retour d&#x27;expérience",
        "En termes de résultats",
        "En termes de méthodes et justification des moyens employés",
        "En termes de respect des procédures et instructions",
        "Présentation de projets ou activités réalisés en milieu professionnel",
        "Avis de l&#x27;entreprise",
        "Entretien avec le candidat",
        "Aucun critère n'est indiqué pour cette capacité",
        "Notes de transcription",
        "Télécharger le fichier YAML",
        "css/app.css",  # its print rules lay the table out (no inline <style>: CSP)
    ):
        assert text in html, text
    assert html.count("<h1") == 1
    assert html.count("<header") == 1  # print CSS hides <header>: the title block is not one
    assert html.index("1. Développer et gérer") < html.index("7. Réaliser un retour")


def test_it_shows_blocks_and_capacities_outside_blocks(client_for, tutor, other_data):
    referential = referential_import(data=other_data)
    html = client_for(tutor).get(reverse("referentials:detail", args=[referential.pk])).content
    html = html.decode()
    assert "Bloc de compétences B1 — Maintenance préventive et corrective" in html
    assert "Bloc de compétences B2 — Amélioration des équipements" in html
    assert "Capacités hors bloc" in html
    assert html.index("B2 — Amélioration") < html.index("8. Transmettre des informations")
    assert "Catégorie" in html and "C*" in html
    assert "Observation en situation professionnelle réelle" in html


def test_it_downloads_the_yaml_export(client_for, tutor, seed, seed_text):
    response = client_for(tutor).get(reverse("referentials:export", args=[seed.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/yaml; charset=utf-8"
    assert 'filename="2015_04_54_0303_v1.yaml"' in response["Content-Disposition"]
    assert response.content.decode() == seed_text
    assert referential_file_parse(text=response.content.decode())["code"] == "2015 04 54 0303"


def _queries(client, url) -> list[str]:
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return [query["sql"] for query in context.captured_queries]


def test_the_referential_page_costs_the_same_queries_for_3_and_30_capacities(
    client_for, tutor, django_assert_num_queries
):
    small = referential_with_capacities(3)
    large = referential_with_capacities(30, criteria_per_kind=3)
    client = client_for(tutor)
    client.get(reverse("referentials:list"))  # warm the session
    small_sql = _queries(client, reverse("referentials:detail", args=[small.pk]))
    large_sql = _queries(client, reverse("referentials:detail", args=[large.pk]))
    assert len(small_sql) == len(large_sql)
    with django_assert_num_queries(len(small_sql)):
        client.get(reverse("referentials:detail", args=[large.pk]))
    # The page's own reads: referential, blocks, capacities, conditions, criteria and the other
    # versions it can be compared with (the rest is the session, the user and the navigation of
    # the other apps).
    assert len([sql for sql in large_sql if '"referentials_' in sql.split(" WHERE ")[0]]) == 6


def test_the_catalogue_costs_the_same_queries_for_few_and_many_referentials(client_for, tutor):
    client = client_for(tutor)
    referential_with_capacities(2)
    client.get(reverse("referentials:list"))
    few = len(_queries(client, reverse("referentials:list")))
    for _ in range(40):
        referential_with_capacities(2, criteria_per_kind=0)
    assert len(_queries(client, reverse("referentials:list"))) == few
    assert Referential.objects.count() == 41


def test_navigation_offers_the_catalogue(client_for, tutor):
    response = client_for(tutor).get(reverse("home"))
    assert reverse("referentials:list") in response.content.decode()

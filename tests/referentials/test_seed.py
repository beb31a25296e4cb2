"""The shipped seed (2015 04 54 0303) is transcribed completely and round trips exactly."""

import datetime

import pytest

from referentials.files import referential_file_dump
from referentials.models import Criterion, Referential
from referentials.services import referential_export

TITLES = {
    1: "Développer et gérer un portefeuille clients",
    2: "Réaliser et suivre une proposition commerciale",
    3: "Organiser un projet de réalisation d'une prestation",
    4: (
        "Coordonner les différentes interventions internes et externes "
        "à la réalisation de la prestation"
    ),
    5: "Gérer le suivi opérationnel d'une affaire et la documentation associée",
    6: "Assurer la gestion financière d'une affaire",
    7: "Réaliser un retour d'expérience",
}
# number: (conditions, results, methods, procedures), counted from the transcription.
COUNTS = {
    1: (3, 5, 3, 0),
    2: (4, 4, 1, 0),
    3: (5, 2, 2, 2),
    4: (2, 0, 0, 0),
    5: (1, 2, 4, 1),
    6: (2, 1, 6, 1),
    7: (1, 3, 0, 0),
}


def test_it_describes_the_seed_header(seed_data):
    assert seed_data["code"] == "2015 04 54 0303"
    assert seed_data["title"] == "Responsable d'affaires"
    assert seed_data["category"] == "D"
    assert "level" not in seed_data
    assert seed_data["issuer"] == "Commission paritaire nationale de l'emploi de la métallurgie"
    assert seed_data["last_modified"] == datetime.date(2015, 4, 30)
    assert seed_data["blocks"] == []
    assert seed_data["missions"] == [
        "Le développement et la consolidation d'un portefeuille client",
        "L'organisation et la mise en place d'une prestation",
        "La gestion opérationnelle et financière d'une affaire",
    ]


def test_it_keeps_every_paragraph_of_the_objective(seed_data):
    paragraphs = seed_data["objective"].split("\n\n")
    assert len(paragraphs) == 5
    assert paragraphs[0].startswith("Le (la) titulaire de la qualification agit sur objectifs")
    assert "management transversal d'équipes projets" in paragraphs[2]
    assert paragraphs[4].endswith(
        "peut compromettre la viabilité voire la pérennité de son entreprise."
    )


def test_it_has_the_seven_capacities_with_their_titles(seed_data):
    assert {c["number"]: c["title"] for c in seed_data["capacities"]} == TITLES


@pytest.mark.parametrize("number", sorted(COUNTS))
def test_it_counts_conditions_and_criteria_per_kind(seed_data, number):
    capacity = seed_data["capacities"][number - 1]
    counted = (
        len(capacity["conditions"]),
        *(len(capacity["criteria"][kind]) for kind in ("results", "methods", "procedures")),
    )
    assert counted == COUNTS[number]


def test_it_allows_the_three_methods_the_source_describes(seed_data):
    assert {tuple(c["methods"]) for c in seed_data["capacities"]} == {
        ("professional_project", "company_opinion", "interview")
    }


@pytest.mark.parametrize(
    ("number", "where", "sentence"),
    [
        (1, "results", "La relation avec les clients du portefeuille est préservée."),
        (1, "results", "• Le client est solvable ;"),
        (1, "methods", "Des actions de prospection sont menées de manière récurrente :"),
        (2, "results", "L'historique des offres est assuré."),
        (2, "methods", "négociées avec le client en vue d'éla[…]"),
        (3, "results", "• Budget prévisionnel"),
        (3, "methods", "• La revue de conception est assurée dans le respect du planning"),
        (3, "procedures", "plans de prévention nécessaires est réalisée avec l'entreprise cliente"),
        (5, "methods", "relevés de décisions"),
        (6, "methods", "La concordance de l'état physique d'avancement des chantiers"),
        (6, "procedures", "ainsi que des exigences internes.)"),
        (7, "results", "Les bonnes pratiques sont mises en evidence et diffusées ;"),
        (
            3,
            "conditions",
            "En relation avec les différents services de l'entreprise (services d'études et de "
            "méthodes, achats) et avec les interlocuteurs externes (client, fournisseur, "
            "sous-traitant)",
        ),
        (7, "conditions", "• l'ensemble des éléments de définition de l'affaire"),
        (
            1,
            "conditions",
            "En relation avec les différents services de l'entreprise "
            "(services d'études et de méthodes)",
        ),
    ],
)
def test_it_carries_the_source_sentences(seed_data, number, where, sentence):
    capacity = seed_data["capacities"][number - 1]
    texts = capacity["conditions"] if where == "conditions" else capacity["criteria"][where]
    assert any(sentence in text for text in texts)


def test_it_repairs_only_conversion_breaks(seed_text):
    for broken in (
        "entre- prise",
        "mé- thodes",
        "I'ensemble",
        "Ies ",
        "dinusées",
        "professionilelles",
        "□",
    ):
        assert broken not in seed_text.split("\nnotes:")[0]


def test_it_notes_every_gap_of_the_source(seed_data):
    notes = seed_data["notes"]
    for gap in (
        "Capacité 2",
        "« en vue d'éla- »",
        "Capacité 4",
        "interventions interventions internes",
        "aucun critère pour cette capacité",
        "Capacité 7",
        "Sous-éléments",
        "ne les indique pas capacité par capacité",
    ):
        assert gap in notes


def test_it_round_trips_the_seed_exactly(seed, seed_data, seed_text):
    exported = referential_export(referential=Referential.objects.get(pk=seed.pk))
    assert exported == seed_data
    assert referential_file_dump(data=exported) == seed_text


def test_it_stores_the_seed_published_with_every_criterion(seed):
    assert seed.status == Referential.Status.PUBLISHED
    assert seed.version == 1
    assert seed.capacities.count() == 7
    assert Criterion.objects.filter(capacity__referential=seed).count() == sum(
        sum(counts[1:]) for counts in COUNTS.values()
    )

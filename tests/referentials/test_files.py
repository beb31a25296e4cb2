"""A malformed referential file is refused whole: every error located, in French, no row written."""

import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

from cqpm.core.models import AuditEntry
from referentials.files import (
    ReferentialFileError,
    referential_data_validate,
    referential_file_dump,
    referential_file_parse,
)
from referentials.models import Block, Capacity, Condition, Criterion, Referential

VALID = """\
code: "2099 01 01 0001"
title: "Référentiel d'essai"
category: "B"
issuer: "CPNE de la métallurgie"
last_modified: 2020-01-31
objective: "Objectif."
missions: ["Une mission"]
blocks: [{code: "B1", title: "Bloc", capacities: [1]}]
capacities:
  - number: 1
    title: "Première"
    conditions: ["A partir d'une demande"]
    criteria: {results: ["Résultat."], methods: [], procedures: []}
    methods: [professional_project, interview]
  - number: 2
    title: "Deuxième"
    conditions: ["A partir d'une autre demande"]
    criteria: {results: ["Résultat 2."], methods: [], procedures: []}
    methods: [interview]
"""

CASES = {
    "rncp_not_a_boolean": (
        'missions: ["Une mission"]\n',
        'missions: ["Une mission"]\nrncp_registered: "oui"\n',
        "rncp_registered : booléen attendu (true ou false), reçu : texte",
    ),
    "rncp_number_without_registration": (
        'missions: ["Une mission"]\n',
        'missions: ["Une mission"]\nrncp_number: "RNCP12345"\n',
        "rncp_number : numéro RNCP donné sans « rncp_registered: true »",
    ),
    "bad_yaml": (
        'title: "Référentiel d\'essai"',
        "title: Référentiel: essai",
        "YAML invalide, ligne 2, colonne 19 : « : » inattendu",
    ),
    "bad_yaml_indent": (
        "  - number: 2",
        " - number: 2",
        "YAML invalide, ligne 15",
    ),
    "duplicate_key": ('category: "B"', 'category: "B"\ntitle: "Autre"', "clé en double « title »"),
    "missing_field": (
        'issuer: "CPNE de la métallurgie"\n',
        "",
        "(racine) : champ « issuer » manquant",
    ),
    "missing_capacity_field": (
        '    title: "Deuxième"\n',
        "",
        "capacities[1] : champ « title » manquant (ligne 15, colonne 5)",
    ),
    "empty_field": (
        'title: "Référentiel d\'essai"',
        'title: ""',
        "title : texte vide (ligne 2, colonne 1)",
    ),
    "null_field": (
        'objective: "Objectif."',
        "objective:",
        "objective : champ vide (ligne 6, colonne 1)",
    ),
    "empty_criterion": (
        '{results: ["Résultat."]',
        '{results: ["  "]',
        "capacities[0].criteria.results[0] : texte vide (ligne 13, colonne 26)",
    ),
    "empty_list": (
        'conditions: ["A partir d\'une demande"]',
        "conditions: []",
        "capacities[0].conditions : liste vide (ligne 12, colonne 5)",
    ),
    "wrong_type_text": (
        'issuer: "CPNE de la métallurgie"',
        "issuer: 12",
        "issuer : texte attendu, reçu : nombre entier (ligne 4, colonne 1)",
    ),
    "wrong_type_list": (
        'missions: ["Une mission"]',
        'missions: "Une mission"',
        "missions : liste attendue, reçu : texte (ligne 7, colonne 1)",
    ),
    "wrong_type_number": (
        "  - number: 2",
        '  - number: "deux"',
        "capacities[1].number : nombre entier attendu, reçu : texte (ligne 15, colonne 5)",
    ),
    "duplicate_capacity": (
        "  - number: 2",
        "  - number: 1",
        "capacities[1].number : numéro de capacité 1 en double (déjà utilisé par capacities[0])",
    ),
    "unknown_method": (
        "methods: [professional_project, interview]",
        "methods: [professional_project, telepathie]",
        "capacities[0].methods[1] : modalité d'évaluation inconnue « telepathie »",
    ),
    "duplicate_method": (
        "methods: [interview]",
        "methods: [interview, interview]",
        "capacities[1].methods[1] : modalité « interview » indiquée deux fois",
    ),
    "impossible_date": (
        "last_modified: 2020-01-31",
        "last_modified: 2020-02-30",
        "last_modified : date invalide « 2020-02-30 » (format attendu : AAAA-MM-JJ) "
        "(ligne 5, colonne 1)",
    ),
    "french_date": (
        "last_modified: 2020-01-31",
        "last_modified: 31/01/2020",
        "last_modified : date invalide « 31/01/2020 »",
    ),
    "unknown_key": (
        '    title: "Première"',
        '    title: "Première"\n    couleur: "bleu"',
        "capacities[0].couleur : clé inconnue (clés admises : number, title, conditions, criteria, "
        "methods) (ligne 12, colonne 5)",
    ),
    "unknown_kind": (
        "methods: [], procedures: []}\n    methods: [interview]",
        "methods: [], procedures: [], savoirs: []}\n    methods: [interview]",
        "capacities[1].criteria.savoirs : clé inconnue",
    ),
    "unknown_block_capacity": (
        "capacities: [1]}",
        "capacities: [1, 9]}",
        "blocks[0].capacities[1] : la capacité 9 n'existe pas dans ce référentiel "
        "(ligne 8, colonne 54)",
    ),
    "no_category_nor_level": (
        'category: "B"\n',
        "",
        "(racine) : champ « category » ou « level » manquant",
    ),
    "too_long": (
        'code: "2099 01 01 0001"',
        f'code: "{"9" * 40}"',
        "code : texte trop long (40 caractères, 32 au plus) (ligne 1, colonne 1)",
    ),
    "not_a_mapping": (VALID, "- une liste\n", "(racine) : dictionnaire (clé : valeur) attendu"),
    "empty_file": (VALID, "", "(racine) : le fichier est vide"),
}


def broken(case: str) -> str:
    old, new, _message = CASES[case]
    assert old in VALID
    return VALID.replace(old, new, 1)


def test_it_accepts_the_valid_sample():
    data = referential_file_parse(text=VALID)
    assert data["capacities"][1]["methods"] == ["interview"]
    assert referential_file_parse(text=referential_file_dump(data=data)) == data


@pytest.mark.parametrize("case", sorted(CASES))
def test_it_refuses_each_malformed_file_with_a_located_french_message(case):
    with pytest.raises(ReferentialFileError) as caught:
        referential_file_parse(text=broken(case))
    assert any(CASES[case][2] in error for error in caught.value.errors), caught.value.errors


@pytest.mark.parametrize("case", sorted(CASES))
def test_it_exits_non_zero_and_writes_nothing(db, tmp_path, case):
    path = tmp_path / "referentiel.yaml"
    path.write_text(broken(case), encoding="utf-8")
    with pytest.raises(CommandError) as caught:
        call_command("import_referential", str(path))
    assert caught.value.returncode != 0  # what manage.py exits with
    assert CASES[case][2] in str(caught.value)
    for model in (Referential, Block, Capacity, Condition, Criterion, AuditEntry):
        assert not model.objects.exists()


def test_manage_py_prints_every_error_on_stderr_and_exits_1(tmp_path):
    path = tmp_path / "referentiel.yaml"
    path.write_text(broken("unknown_method").replace("number: 2", "number: 1"), encoding="utf-8")
    result = subprocess.run(  # a real process, on a throwaway database it never reaches
        [sys.executable, "manage.py", "import_referential", str(path)],
        cwd=settings.BASE_DIR,
        env={**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'vide.sqlite3'}"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert result.stdout == ""
    assert "Fichier de référentiel refusé (2 erreur(s)) :" in result.stderr
    assert "capacities[0].methods[1] : modalité d'évaluation inconnue « telepathie »" in (
        result.stderr
    )
    assert "capacities[1].number : numéro de capacité 1 en double" in result.stderr


def test_it_lists_every_error_of_a_file_at_once():
    text = (
        VALID.replace('title: "Référentiel d\'essai"', 'title: ""')
        .replace("last_modified: 2020-01-31", "last_modified: hier")
        .replace("methods: [interview]", "methods: [intuition]")
        .replace("capacities: [1]}", "capacities: [7]}")
    )
    with pytest.raises(ReferentialFileError) as caught:
        referential_file_parse(text=text)
    assert len(caught.value.errors) == 4
    message = caught.value.message
    assert message.startswith("Fichier de référentiel refusé (4 erreur(s)) :")
    for fragment in (
        "title : texte vide",
        "last_modified : date invalide",
        "« intuition »",
        "capacité 7",
    ):
        assert fragment in message


def test_it_refuses_capacities_out_of_order():
    text = VALID.replace("  - number: 1", "  - number: 3")
    with pytest.raises(ReferentialFileError) as caught:
        referential_file_parse(text=text)
    assert "capacities[1].number : les capacités doivent être rangées par numéro croissant" in (
        caught.value.message
    )


def test_it_refuses_a_capacity_in_two_blocks():
    text = VALID.replace(
        'blocks: [{code: "B1", title: "Bloc", capacities: [1]}]',
        'blocks: [{code: "B1", title: "Bloc", capacities: [1]}, '
        '{code: "B1", title: "Autre", capacities: [1]}]',
    )
    with pytest.raises(ReferentialFileError) as caught:
        referential_file_parse(text=text)
    assert "blocks[1].code : code de bloc « B1 » en double" in caught.value.message
    assert "blocks[1].capacities[0] : la capacité 1 est déjà dans le bloc « B1 »" in (
        caught.value.message
    )


def test_it_accepts_a_level_instead_of_a_category():
    data = referential_file_parse(text=VALID.replace('category: "B"', 'level: "4"'))
    assert data["level"] == "4"
    assert "category" not in data


def test_it_validates_dicts_given_by_code_as_well():
    with pytest.raises(ReferentialFileError) as caught:
        referential_data_validate(data={"code": "X"})
    assert "(racine) : champ « title » manquant" in caught.value.errors


def test_command_import_refuses_a_missing_file(db, tmp_path):
    with pytest.raises(CommandError, match="Fichier introuvable"):
        call_command("import_referential", str(tmp_path / "absent.yaml"))


def test_it_orders_the_capacities_of_a_block_by_number():
    text = VALID.replace("capacities: [1]}", "capacities: [2, 1]}")
    assert referential_file_parse(text=text)["blocks"][0]["capacities"] == [1, 2]


def test_a_cqpm_registered_in_the_rncp_round_trips_and_others_keep_their_shape(db):
    from referentials.services import referential_export, referential_import

    text = VALID.replace(
        'missions: ["Une mission"]\n',
        'missions: ["Une mission"]\nrncp_registered: true\nrncp_number: "RNCP 35231"\n',
    )
    referential = referential_import(data=referential_file_parse(text=text))
    assert (referential.rncp_registered, referential.rncp_code) == (True, "RNCP35231")
    dumped = referential_file_dump(data=referential_export(referential=referential))
    assert 'rncp_registered: true\nrncp_number: "RNCP35231"\n' in dumped
    assert referential_file_parse(text=dumped) == referential_file_parse(text=text)
    # Outside the RNCP (the default, and the seed's case): nothing is written.
    plain = referential_file_parse(text=VALID.replace("2099 01 01 0001", "2099 01 01 0002"))
    assert "rncp_registered" not in plain
    other = referential_import(data=plain)
    assert other.rncp_registered is False
    assert "rncp" not in referential_file_dump(data=referential_export(referential=other))

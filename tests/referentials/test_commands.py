"""The three commands: import (with its no-op), export (stdout or file, any version), seed load."""

import copy

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from referentials.files import referential_file_dump, referential_file_parse
from referentials.models import Referential

from .conftest import OTHER_PATH, SEED_PATH


def test_it_imports_then_says_identical_reimport_changed_nothing(db, capsys):
    call_command("import_referential", str(SEED_PATH))
    assert "Référentiel « 2015 04 54 0303 » importé : version 1 (publié), 7 capacités." in (
        capsys.readouterr().out
    )
    call_command("import_referential", str(SEED_PATH))
    assert "inchangé : la version 1 a déjà ce contenu, rien n'a été écrit." in (
        capsys.readouterr().out
    )
    assert Referential.objects.count() == 1


def test_it_exports_to_stdout_exactly_what_was_imported(db, capsys, seed_text):
    call_command("import_referential", str(SEED_PATH))
    capsys.readouterr()
    call_command("export_referential", "2015 04 54 0303")
    assert capsys.readouterr().out == seed_text


def test_it_round_trips_the_second_referential_through_the_commands(db, tmp_path, other_data):
    call_command("import_referential", str(OTHER_PATH))
    output = tmp_path / "export.yaml"
    call_command("export_referential", "2001 01 89 0195", "--output", str(output))
    assert referential_file_parse(text=output.read_text(encoding="utf-8")) == other_data


def test_it_exports_a_chosen_version(db, tmp_path, capsys, seed_data):
    call_command("import_referential", str(SEED_PATH))
    changed = copy.deepcopy(seed_data)
    changed["title"] = "Responsable d'affaires (révisé)"
    path = tmp_path / "v2.yaml"
    path.write_text(referential_file_dump(data=changed), encoding="utf-8")
    call_command("import_referential", str(path))
    out = capsys.readouterr().out
    assert "nouvelle version 2 en brouillon, non publiée" in out
    assert "~ En-tête : title : Responsable d'affaires → Responsable d'affaires (révisé)" in out
    call_command("import_referential", str(path), "--publish")
    assert "version 2 (publié)" in capsys.readouterr().out
    call_command("export_referential", "2015 04 54 0303", "--version", "1")
    assert referential_file_parse(text=capsys.readouterr().out) == seed_data
    call_command("export_referential", "2015 04 54 0303")
    assert referential_file_parse(text=capsys.readouterr().out) == changed


def test_it_refuses_unknown_codes_and_versions(db):
    with pytest.raises(CommandError, match="Aucun référentiel de code « 1999 99 99 9999 »"):
        call_command("export_referential", "1999 99 99 9999")
    call_command("import_referential", str(SEED_PATH))
    with pytest.raises(CommandError, match="n'a pas de version 4"):
        call_command("export_referential", "2015 04 54 0303", "--version", "4")


def test_load_seed_referentials_is_idempotent(db, capsys):
    call_command("load_seed_referentials")
    call_command("load_seed_referentials")
    out = capsys.readouterr().out
    assert "importé : version 1" in out
    assert "inchangé" in out
    assert list(Referential.objects.values_list("code", "version", "status")) == [
        ("2015 04 54 0303", 1, "published")
    ]


def test_import_refuses_a_file_that_is_not_utf8(db, tmp_path):
    path = tmp_path / "latin1.yaml"
    path.write_bytes("title: « Référentiel »".encode("latin-1", errors="replace"))
    with pytest.raises(CommandError, match="n'est pas encodé en UTF-8"):
        call_command("import_referential", str(path))

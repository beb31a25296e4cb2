"""`manage.py import_candidates`: exit status, French messages on stderr, all or nothing."""

import io

import pytest
from django.core.management import ManagementUtility, call_command

from candidates.models import Registration
from cqpm.core.models import AuditEntry
from tests.candidates.data import DATA, csv_bytes, good_row
from tests.factories.candidates import CampaignFactory


@pytest.fixture
def campaign(centre_a):
    return CampaignFactory(centre=centre_a)


def _run(*argv: str) -> int:
    """Run the command as `manage.py` does and return its exit status."""
    try:
        ManagementUtility(["manage.py", "import_candidates", *argv]).execute()
    except SystemExit as exit_:
        return exit_.code
    return 0


def test_it_imports_a_file_and_exits_zero(campaign, capsys):
    path = DATA / "import_bom_semicolon.csv"
    assert _run("--campaign", str(campaign.pk), str(path)) == 0
    out = capsys.readouterr().out
    assert "3 inscriptions importées" in out
    assert Registration.objects.filter(campaign=campaign).count() == 3
    assert AuditEntry.objects.filter(action="cqpm.registration.imported").count() == 3


def test_it_lists_every_error_on_stderr_in_french_and_exits_one(campaign, tmp_path, capsys):
    path = tmp_path / "erreurs.csv"
    path.write_bytes(
        csv_bytes([good_row(1, date_naissance="32/01/1990"), good_row(2, parcours="stage")])
    )
    assert _run("--campaign", str(campaign.pk), str(path)) == 1
    err = capsys.readouterr().err
    assert "Ligne 2, colonne « date_naissance » : date « 32/01/1990 » invalide" in err
    assert "Ligne 3, colonne « parcours » : parcours « stage » inconnu" in err
    assert "Fichier refusé : 2 erreurs, rien n'a été importé." in err
    assert not Registration.objects.exists()


def test_a_dry_run_writes_nothing(campaign, tmp_path):
    path = tmp_path / "ok.csv"
    path.write_bytes(csv_bytes([good_row(1), good_row(2)]))
    out = io.StringIO()
    call_command("import_candidates", str(path), campaign=campaign.pk, dry_run=True, stdout=out)
    assert "2 inscriptions possibles" in out.getvalue()
    assert not Registration.objects.exists()


def test_it_refuses_an_unknown_campaign_or_file(campaign, tmp_path, capsys):
    assert _run("--campaign", "999999", str(DATA / "import_bom_semicolon.csv")) == 1
    assert "Campagne 999999 introuvable." in capsys.readouterr().err
    assert _run("--campaign", str(campaign.pk), str(tmp_path / "absent.csv")) == 1
    assert "Fichier introuvable" in capsys.readouterr().err
    assert not Registration.objects.exists()


def test_it_attributes_the_import_to_an_account(campaign, staff_a):
    call_command(
        "import_candidates",
        str(DATA / "import_bom_semicolon.csv"),
        campaign=campaign.pk,
        by=staff_a.email,
        stdout=io.StringIO(),
    )
    entry = AuditEntry.objects.get(action="cqpm.campaign.registrations.imported")
    assert entry.actor == staff_a

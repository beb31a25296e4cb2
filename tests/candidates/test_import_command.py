"""`manage.py import_candidates`: exit status, French messages on stderr, all or nothing."""

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from candidates.models import Registration
from cqpm.core.models import AuditEntry
from tests.candidates.data import DATA, csv_bytes, good_row
from tests.factories.candidates import CampaignFactory

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def campaign(centre_a):
    return CampaignFactory(centre=centre_a)


def _call(*args, **options) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("import_candidates", *args, stdout=out, stderr=err, **options)
    return out.getvalue(), err.getvalue()


def _refused(*args, **options) -> tuple[CommandError, str]:
    err = io.StringIO()
    with pytest.raises(CommandError) as excinfo:
        call_command("import_candidates", *args, stdout=io.StringIO(), stderr=err, **options)
    return excinfo.value, err.getvalue()


def test_it_imports_a_file(campaign):
    out, _err = _call(str(DATA / "import_bom_semicolon.csv"), campaign=campaign.pk)
    assert "3 inscriptions importées" in out
    assert Registration.objects.filter(campaign=campaign).count() == 3
    assert AuditEntry.objects.filter(action="cqpm.registration.imported").count() == 3


def test_it_lists_every_error_on_stderr_in_french(campaign, tmp_path):
    path = tmp_path / "erreurs.csv"
    path.write_bytes(
        csv_bytes([good_row(1, date_naissance="32/01/1990"), good_row(2, parcours="stage")])
    )
    error, err = _refused(str(path), campaign=campaign.pk)
    assert error.returncode == 1  # manage.py exits with it (see the end-to-end test below)
    assert "Ligne 2, colonne « date_naissance » : date « 32/01/1990 » invalide" in err
    assert "Ligne 3, colonne « parcours » : parcours « stage » inconnu" in err
    assert str(error) == "Fichier refusé : 2 erreurs, rien n'a été importé."
    assert not Registration.objects.exists()


def test_a_dry_run_writes_nothing(campaign, tmp_path):
    path = tmp_path / "ok.csv"
    path.write_bytes(csv_bytes([good_row(1), good_row(2)]))
    out = io.StringIO()
    call_command("import_candidates", str(path), campaign=campaign.pk, dry_run=True, stdout=out)
    assert "2 inscriptions possibles" in out.getvalue()
    assert not Registration.objects.exists()


def test_it_refuses_an_unknown_campaign_or_file(campaign, tmp_path):
    error, _err = _refused(str(DATA / "import_bom_semicolon.csv"), campaign=999999)
    assert str(error) == "Campagne 999999 introuvable."
    error, _err = _refused(str(tmp_path / "absent.csv"), campaign=campaign.pk)
    assert "Fichier introuvable" in str(error)
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


SETUP_CAMPAIGN = """
from tests.factories.candidates import CampaignFactory
print(CampaignFactory().pk)
"""


def test_manage_py_exits_1_with_french_errors_and_0_on_success(tmp_path):
    # A real process on its own SQLite file: the exit status is what shell scripts see.
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "CQPM_VAR_DIR": str(tmp_path / "var"),
    }

    def manage(*argv):
        return subprocess.run(
            [sys.executable, "manage.py", *argv],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )

    assert manage("migrate", "-v0").returncode == 0
    campaign_id = manage("shell", "-c", SETUP_CAMPAIGN).stdout.strip().splitlines()[-1]
    bad = tmp_path / "erreurs.csv"
    bad.write_bytes(csv_bytes([good_row(1, siret="12345678901234")]))

    refused = manage("import_candidates", "--campaign", campaign_id, str(bad))
    assert refused.returncode == 1
    assert "Ligne 2, colonne « siret »" in refused.stderr
    assert "Fichier refusé : 1 erreur, rien n'a été importé." in refused.stderr

    done = manage(
        "import_candidates", "--campaign", campaign_id, str(DATA / "import_bom_semicolon.csv")
    )
    assert done.returncode == 0, done.stderr
    assert "3 inscriptions importées" in done.stdout

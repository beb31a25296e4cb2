"""Who is who in an import: a person is matched on names, birth date and e-mail; possible
homonyms are decided by staff per line (page and command); known people's new contact data is a
change to accept or ignore."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from candidates.importing import ImportRefused, registrations_import
from candidates.models import Candidate, Registration
from cqpm.core.models import AuditEntry
from tests.candidates.data import csv_bytes, good_row
from tests.factories.candidates import CampaignFactory, CandidateFactory

BORN = datetime.date(1985, 6, 7)
JEAN = {"nom": "Martin", "prenom": "Jean", "date_naissance": "07/06/1985"}


@pytest.fixture
def campaign(centre_a):
    return CampaignFactory(centre=centre_a, name="Campagne des homonymes")


@pytest.fixture
def known():
    return CandidateFactory(
        last_name="MARTIN", first_name="Jean", birth_date=BORN, email="jean@exemple.fr",
        phone="04 00 00 00 00",
    )  # fmt: skip


def _import(campaign, rows, **kwargs):
    return registrations_import(
        campaign=campaign, file=csv_bytes(rows), filename="f.csv", by=None, **kwargs
    )


def test_the_same_names_birth_date_and_email_are_the_known_person(campaign, known):
    _import(campaign, [good_row(1, email="JEAN@exemple.fr", telephone="", **JEAN)])
    assert Registration.objects.get(campaign=campaign).candidate == known
    assert Candidate.objects.count() == 1


def test_another_email_is_a_possible_homonym_shown_by_the_dry_run(campaign, known):
    report = _import(campaign, [good_row(1, email="j.martin@exemple.fr", **JEAN)], dry_run=True)
    [question] = report.homonyms
    assert (question.line, [k.pk for k in question.known]) == (2, [known.pk])
    assert not Registration.objects.exists()


def test_an_undecided_homonym_refuses_the_file_naming_the_line(campaign, known):
    with pytest.raises(ImportRefused) as caught:
        _import(campaign, [good_row(0), good_row(1, email="j.martin@exemple.fr", **JEAN)])
    [issue] = caught.value.issues
    assert (issue.line, issue.code) == (3, "homonym")
    assert "homonyme possible de MARTIN Jean (jean@exemple.fr)" in issue.message
    assert not Registration.objects.exists()


def test_different_people_make_a_new_person_with_the_next_homonym_number(campaign, known):
    _import(campaign, [good_row(1, email="j.martin@exemple.fr", **JEAN)], homonyms={2: "different"})
    other = Registration.objects.get(campaign=campaign).candidate
    assert other != known
    assert (other.identity_key, other.birth_date, other.homonym) == (known.identity_key, BORN, 1)


def test_the_same_person_reuses_the_known_row_and_offers_the_new_email(campaign, known):
    row = good_row(1, email="j.martin@exemple.fr", telephone="", **JEAN)
    report = _import(campaign, [row], homonyms={2: "same"})
    assert Registration.objects.get(campaign=campaign).candidate == known
    [change] = report.changes
    assert (change.before, change.after, change.accepted) == (
        {"email": "jean@exemple.fr"},
        {"email": "j.martin@exemple.fr"},
        False,
    )
    known.refresh_from_db()
    assert known.email == "jean@exemple.fr"  # ignored unless accepted


def test_an_accepted_change_updates_the_person_and_is_audited(campaign, known):
    row = good_row(1, email="jean@exemple.fr", telephone="06 11 22 33 44", **JEAN)
    _import(campaign, [row], contact_updates={2})
    known.refresh_from_db()
    assert known.phone == "06 11 22 33 44"
    entry = AuditEntry.objects.get(action="cqpm.candidate.updated", object_id=str(known.pk))
    assert entry.data["before"] == {"phone": "04 00 00 00 00"}
    assert entry.data["after"] == {"phone": "06 11 22 33 44"}


def test_two_rows_of_one_file_may_be_two_people(campaign):
    rows = [good_row(1, email="a@exemple.fr", **JEAN), good_row(2, email="b@exemple.fr", **JEAN)]
    with pytest.raises(ImportRefused) as caught:
        _import(campaign, rows)
    assert "homonyme possible de la ligne 2" in caught.value.issues[0].message
    with pytest.raises(ImportRefused) as caught:
        _import(campaign, rows, homonyms={3: "same"})
    assert "même personne que ligne 2 : retirez la ligne en double." in str(caught.value.issues[0])
    _import(campaign, rows, homonyms={3: "different"})
    assert sorted(Candidate.objects.values_list("email", "homonym")) == [
        ("a@exemple.fr", 0),
        ("b@exemple.fr", 1),
    ]


def test_the_page_asks_then_imports_the_choice(client_for, staff_a, campaign, known):
    client = client_for(staff_a)
    upload = client.post(
        reverse("candidates:import_upload", args=[campaign.pk]),
        {
            "file": SimpleUploadedFile(
                "f.csv", csv_bytes([good_row(1, email="j.martin@exemple.fr", **JEAN)])
            )
        },
    )
    upload_url = upload["Location"]
    html = client.get(upload_url).content.decode()
    assert "Homonymes possibles" in html
    assert f'value="same:{known.pk}"' in html and 'name="homonym_2" ' in html

    unanswered = client.post(upload_url + "confirmer/")
    assert unanswered["Location"] == upload_url  # back to the choice, nothing written
    assert not Registration.objects.exists()
    assert "homonyme possible" in client.get(upload_url).content.decode()

    done = client.post(upload_url + "confirmer/", {"homonym_2": "different"})
    assert done.status_code == 302
    assert Registration.objects.get(campaign=campaign).candidate.homonym == 1


def test_the_page_applies_a_same_person_choice_with_its_contact_update(
    client_for, staff_a, campaign, known
):
    client = client_for(staff_a)
    upload = client.post(
        reverse("candidates:import_upload", args=[campaign.pk]),
        {
            "file": SimpleUploadedFile(
                "f.csv", csv_bytes([good_row(1, email="j.martin@exemple.fr", **JEAN)])
            )
        },
    )
    client.post(
        upload["Location"] + "confirmer/", {"homonym_2": f"same:{known.pk}", "update_2": "1"}
    )
    known.refresh_from_db()
    assert Registration.objects.get(campaign=campaign).candidate == known
    assert known.email == "j.martin@exemple.fr"


def test_the_command_refuses_without_a_decision_and_takes_one(campaign, known, tmp_path):
    path = tmp_path / "f.csv"
    path.write_bytes(csv_bytes([good_row(0), good_row(1, email="j.martin@exemple.fr", **JEAN)]))
    stderr = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_candidates", str(path), campaign=campaign.pk, stderr=stderr)
    assert "Ligne 3, colonne « nom » : MARTIN Jean, né(e) le 07/06/1985 : homonyme possible" in (
        stderr.getvalue()
    )
    with pytest.raises(CommandError, match="--homonym"):
        call_command("import_candidates", str(path), campaign=campaign.pk, homonym=["3=peut-être"])
    stdout = io.StringIO()
    call_command(
        "import_candidates", str(path), campaign=campaign.pk, homonym=["all=same"],
        update_contacts=True, stdout=stdout,
    )  # fmt: skip
    known.refresh_from_db()
    assert known.email == "j.martin@exemple.fr"
    assert "Ligne 3 : coordonnées différentes pour MARTIN Jean" in stdout.getvalue()
    assert "2 inscriptions importées" in stdout.getvalue()


def test_the_command_takes_different_people_by_line(campaign, known, tmp_path):
    path = tmp_path / "f.csv"
    path.write_bytes(csv_bytes([good_row(1, email="j.martin@exemple.fr", **JEAN)]))
    call_command(
        "import_candidates", str(path), campaign=campaign.pk, homonym=["2=different"],
        stdout=io.StringIO(),
    )  # fmt: skip
    assert Registration.objects.get(campaign=campaign).candidate.homonym == 1

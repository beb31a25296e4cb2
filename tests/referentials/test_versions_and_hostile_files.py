"""A changed file makes a draft shown as a diff, published only by an explicit action, never over
a version that running campaigns use; hostile referential files are refused within limits, in
French, located, with nothing written (through the command, on either database)."""

import copy
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from candidates.models import Campaign
from cqpm.core.errors import DomainError
from cqpm.core.models import AuditEntry
from referentials.files import MAX_FILE_BYTES, ReferentialFileError, referential_file_parse
from referentials.models import Block, Capacity, Condition, Criterion, Referential
from referentials.services import referential_import, referential_publish
from tests.factories.candidates import CampaignFactory

from .conftest import SEED_PATH

Status = Referential.Status


def _changed(data: dict) -> dict:
    changed = copy.deepcopy(data)
    changed["capacities"][0]["criteria"]["procedures"] = ["Les consignes sont respectées."]
    changed["capacities"][1]["title"] = "Titre révisé"
    del changed["capacities"][6]
    return changed


def test_a_changed_file_is_a_draft_whose_diff_the_page_shows(
    seed, seed_data, client_for, superuser
):
    draft = referential_import(data=_changed(seed_data))
    assert draft.status == Status.DRAFT
    html = client_for(superuser).get(reverse("referentials:detail", args=[draft.pk])).content
    html = html.decode().replace("&#x27;", "'")
    assert "Brouillon : différences avec la version publiée 1" in html
    assert "Capacité 1 : critère (procedures)" in html and "Les consignes sont respectées." in html
    assert "Capacité 2 : intitulé" in html and "Titre révisé" in html
    assert "Capacité 7" in html and "retrait" in html
    assert "Publier cette version" in html


def test_the_explicit_action_publishes_and_archives(seed, seed_data, client_for, superuser):
    draft = referential_import(data=_changed(seed_data))
    response = client_for(superuser).post(reverse("referentials:publish", args=[draft.pk]))
    assert response.status_code == 302
    draft.refresh_from_db(), seed.refresh_from_db()
    assert (draft.status, seed.status) == (Status.PUBLISHED, Status.ARCHIVED)


def test_only_administrators_publish(seed, seed_data, client_for, staff_a):
    draft = referential_import(data=_changed(seed_data))
    response = client_for(staff_a).post(reverse("referentials:publish", args=[draft.pk]))
    assert response.status_code == 404
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT


@pytest.mark.parametrize(
    "status", [Campaign.Status.PLANNED, Campaign.Status.OPEN, Campaign.Status.JURY]
)
def test_a_version_used_by_a_running_campaign_is_never_archived(
    seed, seed_data, client_for, superuser, centre_a, status
):
    CampaignFactory(centre=centre_a, referential=seed, name="Printemps", status=status)
    draft = referential_import(data=_changed(seed_data))
    entries = AuditEntry.objects.count()
    with pytest.raises(DomainError, match="utilisée par des campagnes en cours"):
        referential_publish(referential=draft, by=superuser)
    response = client_for(superuser).post(
        reverse("referentials:publish", args=[draft.pk]), follow=True
    )
    assert "« Printemps »" in response.content.decode().replace("&#x27;", "'")
    with pytest.raises(CommandError, match="elle ne peut pas être archivée avant leur clôture"):
        call_command("import_referential", str(_file(seed_data)), "--publish", stdout=io.StringIO())
    seed.refresh_from_db(), draft.refresh_from_db()
    assert (seed.status, draft.status) == (Status.PUBLISHED, Status.DRAFT)
    assert AuditEntry.objects.count() == entries


def test_a_closed_campaign_lets_its_version_be_archived(seed, seed_data, centre_a, superuser):
    CampaignFactory(centre=centre_a, referential=seed, status=Campaign.Status.CLOSED)
    draft = referential_import(data=_changed(seed_data))
    referential_publish(referential=draft, by=superuser)
    seed.refresh_from_db()
    assert seed.status == Status.ARCHIVED


def _file(seed_data):
    from referentials.files import referential_file_dump

    _file.tmp.write_text(referential_file_dump(data=_changed(seed_data)), encoding="utf-8")
    return _file.tmp


@pytest.fixture(autouse=True)
def _tmp_file(tmp_path):
    _file.tmp = tmp_path / "v2.yaml"


# --- Hostile files ------------------------------------------------------------------------------

SEED = SEED_PATH.read_text(encoding="utf-8")
LAUGHS = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n' + "".join(
    f"{chr(98 + n)}: &{chr(98 + n)} [{','.join(['*' + chr(97 + n)] * 9)}]\n" for n in range(8)
)
HOSTILE = {
    "billion_laughs": (LAUGHS, "YAML refusé, ligne 1, colonne 4 : ancres et alias YAML"),
    "deep_nesting": ("a: " + "[" * 20 + "]" * 20, "YAML refusé, ligne 1, colonne 11 : imbrication"),
    "libyaml_depth": ("[" * 200_000, "imbrication trop profonde"),
    "huge_list": ("missions:\n" + "  - x\n" * 100_000, "ligne 252, colonne 5 : liste trop longue"),
    "huge_text": ("objective: '" + "x" * 30_000 + "'\n", "texte trop long (20000 caractères"),
    "number_overflow": (
        SEED.replace("  - number: 1\n", "  - number: 99999999999999999999999\n", 1),
        "capacities[0].number : nombre trop grand (2147483647 au plus) (ligne 22, colonne 5)",
    ),
    "negative_number": (
        SEED.replace("  - number: 1\n", "  - number: -3\n", 1),
        "capacities[0].number : le numéro doit être supérieur ou égal à 1",
    ),
    "nul_in_text": (
        SEED.replace("Développer et gérer", "Développer\\0 et gérer", 1),
        "capacities[0].title : caractère de contrôle interdit (code 0, position 11)",
    ),
    "python_tag": (
        "!!python/object/apply:os.system ['ls']\n",
        "YAML invalide, ligne 1, colonne 1 : étiquette YAML (!...) non admise",
    ),
    "unknown_escape": ('code: "\\q"\n', "séquence d'échappement inconnue"),
    "tab_indent": ("code: x\ncapacities:\n\t- number: 1\n", "ligne 3, colonne 1 : caractère"),
    "too_many_capacities": (
        SEED.split("capacities:")[0]
        + "capacities:\n"
        + "".join(
            f"  - {{number: {n}, title: T, conditions: [c], criteria: {{}}, methods: [interview]}}"
            "\n"
            for n in range(1, 102)
        ),
        "capacities : liste trop longue (101 éléments, 100 au plus)",
    ),
}


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_a_hostile_file_is_refused_in_french_and_located(case):
    text, message = HOSTILE[case]
    with pytest.raises(ReferentialFileError) as caught:
        referential_file_parse(text=text)
    assert any(message in error for error in caught.value.errors), caught.value.errors


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_the_command_refuses_a_hostile_file_and_writes_nothing(db, tmp_path, case):
    path = tmp_path / "hostile.yaml"
    path.write_text(HOSTILE[case][0], encoding="utf-8")
    with pytest.raises(CommandError) as caught:
        call_command("import_referential", str(path))
    assert HOSTILE[case][1] in str(caught.value)
    for model in (Referential, Block, Capacity, Condition, Criterion, AuditEntry):
        assert not model.objects.exists()


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(db, tmp_path):
    path = tmp_path / "gros.yaml"
    path.write_bytes(b"# " + b"x" * MAX_FILE_BYTES)
    with pytest.raises(CommandError, match="fichier trop volumineux \\(1024 Ko au plus\\)"):
        call_command("import_referential", str(path))
    with pytest.raises(ReferentialFileError, match="fichier trop volumineux"):
        referential_file_parse(text="# " + "x" * MAX_FILE_BYTES)

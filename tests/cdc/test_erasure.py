"""A GDPR erasure takes the person out of the stored CDC fluxes: a deposited flux is rewritten
without their passage (still valid against the XSD, its hash the new file's), a flux that
carried only them loses its file; the tracking facts (idFlux, dates, status, the entries'
idTechnique and the CDC's answers) stay, the CDC's reason naming them is redacted."""

import datetime
import hashlib

import pytest
from django.urls import reverse

from candidates.models import Candidate
from cdc.models import CdcEntry, CdcFlux, CdcItem
from cdc.selectors import Target
from cdc.services import cdc_export, cdc_flux_deposit, cdc_report_import
from cdc.xml import validate
from cqpm.core.models import AuditEntry
from privacy import services as privacy_services
from privacy.services import person_erase

pytestmark = pytest.mark.django_db
ERASED = {
    "last_name": "Zébulonesque",
    "birth_name": "Zébulonesque",
    "usage_name": "Vérane-Ostrogoth",
    "first_name": "Anastasie",
    "second_first_name": "Philomène",
    "birth_date": datetime.date(1977, 3, 4),
    "birth_place_insee": "13055",
    "birth_place_label": "Marseille",
}
TRACES = ["Zébulonesque", "Vérane-Ostrogoth", "Anastasie", "Philomène", "1977", "13055"]
TRACES += ["Marseille"]


def _stored(storage, folder="cdc/flux"):
    """Every file kept under the fluxes' folder, read back from storage."""
    _dirs, names = storage.listdir(folder)
    out = {}
    for name in names:
        with storage.open(f"{folder}/{name}", "rb") as handle:
            out[name] = handle.read().decode()
    return out


def test_an_erasure_leaves_no_identity_in_the_stored_fluxes(
    closed, staff_a, client_for, django_capture_on_commit_callbacks
):
    kept, erased, other = closed.holders
    Candidate.objects.filter(pk=erased.candidate_id).update(**ERASED)
    first = cdc_export(target=Target(campaign=closed.campaign), by=staff_a).flux
    cdc_flux_deposit(flux=first, by=staff_a)
    tech = f"cqpm-inscription-{erased.pk}"
    report = (
        "idFlux;idTechnique;statut;motif\n"
        f"{first.id_flux};cqpm-inscription-{kept.pk};ACCEPTE;\n"
        f"{first.id_flux};{tech};REJETE;Zébulonesque Anastasie : commune 13055 inconnue\n"
    ).encode()
    cdc_report_import(data=report, fluxes=CdcFlux.objects.all(), by=staff_a)
    # Corrected, then put in a second flux not yet deposited: it carries them alone.
    Candidate.objects.filter(pk=erased.candidate_id).update(birth_place_insee="13201")
    second = cdc_export(target=Target(campaign=closed.campaign), by=staff_a).flux
    assert list(second.entries.values_list("id_technique", flat=True)) == [tech]
    storage = first.file.storage
    before = _stored(storage)
    assert any("Zébulonesque" in text for text in before.values())
    first_name, second_name = first.file.name, second.file.name

    with django_capture_on_commit_callbacks(execute=True):
        person_erase(candidate=erased.candidate, by=staff_a)

    after = _stored(storage)
    for name, text in after.items():
        for trace in TRACES:
            assert trace not in text, (name, trace)
    assert not storage.exists(first_name) and not storage.exists(second_name)
    # The deposited flux: rewritten without them, still valid, its hash the new file's.
    first.refresh_from_db()
    assert first.file and first.redacted_at is not None
    assert (first.status, first.holder_count) == (CdcFlux.Status.PROCESSED, 3)
    with first.file.open("rb") as handle:
        data = handle.read()
    assert hashlib.sha256(data).hexdigest() == first.sha256 and len(data) == first.size
    text = data.decode()
    assert tech not in text
    assert f"cqpm-inscription-{kept.pk}" in text and f"cqpm-inscription-{other.pk}" in text
    with first.file.open("rb") as handle:
        assert validate(handle) == []
    # Its tracking facts stay: the entry, the CDC's answer (its reason redacted), the item.
    entry = CdcEntry.objects.get(flux=first, id_technique=tech)
    assert (entry.outcome, entry.fingerprint) == ("rejected", "")
    assert "Zébulonesque" not in entry.reason and "Anastasie" not in entry.reason
    item = CdcItem.objects.get(id_technique=tech)
    assert item.status == CdcItem.Status.REJECTED and "Anastasie" not in item.reason
    # The flux that carried them alone: no file left, its row and facts kept, no entry.
    second.refresh_from_db()
    assert not second.file and (second.sha256, second.size) == ("", 0)
    assert second.id_flux and second.created_at and second.status == CdcFlux.Status.GENERATED
    assert (second.holder_count, second.entries.count()) == (0, 0)
    client = client_for(staff_a)
    assert client.get(reverse("cdc:flux_download", args=[second.pk])).status_code == 404
    download = client.get(reverse("cdc:flux_download", args=[first.pk]))
    assert "Zébulonesque" not in b"".join(download.streaming_content).decode()


def _deposited_flux(closed, staff_a):
    _kept, erased, _other = closed.holders
    Candidate.objects.filter(pk=erased.candidate_id).update(**ERASED)
    flux = cdc_export(target=Target(campaign=closed.campaign), by=staff_a).flux
    cdc_flux_deposit(flux=flux, by=staff_a)
    return erased, flux


def test_an_erasure_goes_on_when_a_stored_flux_is_already_missing(
    closed, staff_a, django_capture_on_commit_callbacks
):
    """The flux's file is gone anyway: the flux loses it (no hash, no size), the erasure goes
    on and its audit entry names the missing file."""
    erased, flux = _deposited_flux(closed, staff_a)
    storage, name = flux.file.storage, flux.file.name
    storage.delete(name)

    with django_capture_on_commit_callbacks(execute=True):
        erasure = person_erase(candidate=erased.candidate, by=staff_a)

    flux.refresh_from_db()
    assert not flux.file and (flux.sha256, flux.size) == ("", 0)
    assert flux.redacted_at is not None and flux.status == CdcFlux.Status.DEPOSITED
    assert erasure.files_deleted == 0  # nothing was left to delete
    assert CdcEntry.objects.filter(flux=flux, registration=erased).exists()
    assert _stored(storage) == {}
    entry = AuditEntry.objects.get(action="cqpm.privacy.person.erased")
    assert entry.data == {"source": "request", "files": 0, "missing_files": [name]}
    candidate = Candidate.objects.get(pk=erased.candidate_id)
    assert candidate.last_name.startswith("Personne effacée")


def test_an_erasure_rolled_back_leaves_the_stored_fluxes_as_they_were(
    closed, staff_a, monkeypatch, django_capture_on_commit_callbacks
):
    erased, flux = _deposited_flux(closed, staff_a)
    storage, name = flux.file.storage, flux.file.name
    before = _stored(storage)

    def _fails(**kwargs):
        raise RuntimeError("the badges could not be signed")

    monkeypatch.setattr(privacy_services, "credentials_resign_erased", _fails)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        person_erase(candidate=erased.candidate, by=staff_a)

    # The rewritten file went with the rollback; the former one and its row stay.
    assert _stored(storage) == before
    flux.refresh_from_db()
    assert flux.file.name == name and flux.redacted_at is None
    assert not Candidate.objects.get(pk=erased.candidate_id).last_name.startswith("Personne")

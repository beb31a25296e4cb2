"""The deposit with the CDC, service by service: the check, the flux validated against the XSD,
the deposit recorded, the CDC's report, a correction deposited again, a withdrawal."""

import datetime

import pytest
from lxml import etree

from candidates.models import Campaign, Candidate
from cdc.models import CdcEntry, CdcFlux, CdcItem
from cdc.report import ReportErrors
from cdc.selectors import Target, Todo, check_report, holder_lines, withdrawals
from cdc.services import cdc_export, cdc_flux_deposit, cdc_item_withdraw, cdc_report_import
from cdc.xml import NS, validate
from cqpm.core.errors import DomainError
from cqpm.core.models import AuditEntry
from deliberations.models import Decision
from deliberations.services import jury_decision_amend
from referentials.models import Referential

pytestmark = pytest.mark.django_db
NSS = {"cpf": NS}


def _xml(flux):
    with flux.file.open("rb") as handle:
        return etree.parse(handle).getroot()


def _report(flux, *lines):
    body = "\n".join(f"{flux.id_flux};{tech};{status};{reason}" for tech, status, reason in lines)
    return ("idFlux;idTechnique;statut;motif\n" + body + "\n").encode()


def test_the_check_lists_the_holder_without_a_birth_place(closed):
    report = check_report(Target(campaign=closed.campaign))
    assert report.certified == 4
    assert report.exportable == 3
    assert [line.row.registration_id for line in report.refused] == [closed.missing.pk]
    line = report.refused[0]
    assert "Lieu de naissance manquant (code INSEE ou code postal de la commune)." in line.problems
    assert "Commune de naissance manquante (libellé)." in line.problems
    assert line.url == f"/inscriptions/{closed.missing.pk}/modifier/#etat-civil"
    assert not report.blocking
    # Once the campaign is closed, the registration is read only: the person's data is rectified.
    Campaign.objects.filter(pk=closed.campaign.pk).update(status=Campaign.Status.CLOSED)
    line = check_report(Target(campaign=closed.campaign)).refused[0]
    assert line.url == f"/donnees-personnelles/{closed.missing.candidate_id}/rectifier/"


def test_the_export_validates_and_carries_the_complete_holders_only(closed, staff_a):
    result = cdc_export(target=Target(campaign=closed.campaign), by=staff_a)
    flux = result.flux
    assert [line.row.registration_id for line in result.refused] == [closed.missing.pk]
    assert flux.holder_count == 3 and flux.status == CdcFlux.Status.GENERATED
    with flux.file.open("rb") as handle:
        assert validate(handle) == []
    root = _xml(flux)
    assert root.findtext("cpf:idFlux", namespaces=NSS) == flux.id_flux
    assert root.findtext("cpf:horodatage", namespaces=NSS)[-6:] in ("+01:00", "+02:00")
    assert root.findtext(".//cpf:certificateur/cpf:idClient", namespaces=NSS) == "CQPM0001"
    assert root.findtext(".//cpf:certification/cpf:code", namespaces=NSS) == "RNCP12345"
    passages = root.findall(".//cpf:passageCertification", NSS)
    assert len(passages) == 3
    assert {p.findtext("cpf:dateDebutValidite", namespaces=NSS) for p in passages} == {
        closed.session.date.isoformat()
    }
    assert set(flux.entries.values_list("registration_id", flat=True)) == {
        r.pk for r in closed.holders
    }
    assert AuditEntry.objects.filter(action="cqpm.cdc.flux.generated").count() == 1
    # Not deposited yet: a second export carries the same holders, under another idFlux.
    again = cdc_export(target=Target(session=closed.session), by=staff_a).flux
    assert again.id_flux != flux.id_flux and again.holder_count == 3


def test_a_deposit_records_when_by_whom_and_which_flux(closed, staff_a):
    flux = cdc_export(target=Target(campaign=closed.campaign), by=staff_a).flux
    cdc_flux_deposit(flux=flux, by=staff_a)
    holders = CdcItem.objects.select_related("entry__flux")
    assert {h.registration_id for h in holders} == {r.pk for r in closed.holders}
    assert {h.entry.flux.deposited_by for h in holders} == {staff_a}
    assert all(h.status == CdcItem.Status.DEPOSITED for h in holders)
    history = AuditEntry.objects.filter(
        action="cqpm.cdc.holder.deposited", registration_id=closed.holders[0].pk
    )
    assert history.get().data == {
        "id_flux": flux.id_flux,
        "id_technique": f"cqpm-inscription-{closed.holders[0].pk}",
    }
    with pytest.raises(DomainError):
        cdc_flux_deposit(flux=flux, by=staff_a)
    # Only the incomplete holder is left, and nothing can go.
    with pytest.raises(DomainError, match="1 titulaire"):
        cdc_export(target=Target(campaign=closed.campaign), by=staff_a)


def test_the_cdc_report_accepts_and_rejects_with_its_reason(closed, staff_a):
    flux = cdc_export(target=Target(campaign=closed.campaign), by=staff_a).flux
    cdc_flux_deposit(flux=flux, by=staff_a)
    first, second, third = (f"cqpm-inscription-{r.pk}" for r in closed.holders)
    data = _report(
        flux,
        (first, "ACCEPTE", ""),
        (second, "REJETE", "Code INSEE de naissance inconnu"),
        (third, "ok", ""),
    )
    counts = cdc_report_import(data=data, fluxes=CdcFlux.objects.all(), by=staff_a)
    assert counts == {"accepted": 2, "rejected": 1}
    rejected = CdcItem.objects.get(registration=closed.holders[1])
    assert rejected.status == CdcItem.Status.REJECTED
    assert rejected.reason == "Code INSEE de naissance inconnu"
    flux.refresh_from_db()
    assert flux.status == CdcFlux.Status.PROCESSED
    lines = {ln.row.registration_id: ln for ln in holder_lines(Target(campaign=closed.campaign))}
    assert lines[closed.holders[0].pk].todo == Todo.DONE
    assert lines[closed.holders[1].pk].todo == Todo.FIX
    # Corrected: deposited again, with the same idTechnique.
    person = closed.holders[1].candidate
    person.birth_place_insee = "69266"
    person.birth_place_label = "Villeurbanne"
    person.save()
    again = cdc_export(target=Target(campaign=closed.campaign), by=staff_a).flux
    assert list(again.entries.values_list("id_technique", flat=True)) == [second]


def test_a_report_that_does_not_match_writes_nothing(closed, staff_a):
    flux = cdc_export(target=Target(campaign=closed.campaign), by=staff_a).flux
    tech = f"cqpm-inscription-{closed.holders[0].pk}"
    bad = (
        "idFlux;idTechnique;statut;motif\n"
        f"{flux.id_flux};{tech};ACCEPTE;\n"
        f"{flux.id_flux};cqpm-inscription-0;ACCEPTE;\n"
        f"inconnu;{tech};REJETE;x\n"
        f"{flux.id_flux};{tech};PEUT-ETRE;\n"
    ).encode()
    with pytest.raises(ReportErrors) as refused:
        cdc_report_import(data=bad, fluxes=CdcFlux.objects.all(), by=staff_a)
    assert refused.value.errors == ["Ligne 5 : statut « PEUT-ETRE » inconnu (ACCEPTE ou REJETE)."]
    bad = bad.replace(b"PEUT-ETRE", b"REJETE")
    with pytest.raises(ReportErrors) as refused:
        cdc_report_import(data=bad, fluxes=CdcFlux.objects.all(), by=staff_a)
    assert refused.value.errors == [
        "Ligne 3 : « cqpm-inscription-0 » n'est pas dans le flux " + flux.id_flux + ".",
        "Ligne 4 : flux « inconnu » inconnu.",
        f"Ligne 5 : « {tech} » est répété.",
    ]
    assert not CdcItem.objects.exists()
    assert not CdcEntry.objects.exclude(outcome="").exists()
    for hostile in (b"", b"\x00\x01", b"a,b\n1,2\n", b"x" * (6 * 1024 * 1024)):
        with pytest.raises(ReportErrors):
            cdc_report_import(data=hostile, fluxes=CdcFlux.objects.all(), by=staff_a)


def test_an_amended_decision_after_the_deposit_is_to_withdraw(closed, staff_a, jury_president):
    flux = cdc_export(target=Target(campaign=closed.campaign), by=staff_a).flux
    cdc_flux_deposit(flux=flux, by=staff_a)
    holder = CdcItem.objects.get(registration=closed.holders[0])
    with pytest.raises(DomainError, match="toujours certifié"):
        cdc_item_withdraw(item=holder, by=staff_a)
    decision = Decision.objects.get(registration=closed.holders[0], is_active=True)
    jury_decision_amend(
        decision=decision,
        outcome="not_admissible",
        reason="Erreur matérielle",
        jury_reason="Fraude constatée",
        by=jury_president,
    )
    assert list(withdrawals(Target(campaign=closed.campaign))) == [holder]
    withdrawn = cdc_item_withdraw(item=holder, by=staff_a)
    assert withdrawn.status == CdcItem.Status.WITHDRAWN and withdrawn.withdrawn_by == staff_a
    assert not withdrawals(Target(campaign=closed.campaign)).exists()


def test_the_rncp_registration_ended_before_the_jury_blocks_everyone(closed, staff_a):
    Referential.objects.filter(pk=closed.campaign.referential_id).update(
        rncp_registration_end=datetime.date(2027, 1, 31)
    )
    report = check_report(Target(campaign=closed.campaign))
    assert [p.text for p in report.blocking] == [
        "L'enregistrement au RNCP a pris fin le 31/01/2027, avant le jury du 15/05/2027."
    ]
    # Put right on the referential's RNCP page, which the check links to.
    assert report.blocking[0].url == f"/referentiels/{closed.campaign.referential_id}/rncp/"
    with pytest.raises(DomainError, match="a pris fin le 31/01/2027"):
        cdc_export(target=Target(campaign=closed.campaign), by=staff_a)
    assert not CdcFlux.objects.exists()


def test_without_the_certifier_ids_nothing_is_offered(closed, staff_a, settings):
    settings.CDC_CLIENT_ID = ""
    with pytest.raises(DomainError, match="Identifiant client CDC"):
        cdc_export(target=Target(campaign=closed.campaign), by=staff_a)
    assert not CdcFlux.objects.exists()


def test_a_document_the_xsd_refuses_is_never_offered(closed, staff_a, monkeypatch):
    monkeypatch.setattr("cdc.selectors.holder_problems", lambda row: [])
    # A country code of 2 characters: the XSD wants 3 (the check, switched off here, says so).
    Candidate.objects.filter(pk=closed.holders[0].candidate_id).update(birth_country_code="FR")
    with pytest.raises(DomainError, match="ne respecte pas le schéma de la CDC"):
        cdc_export(target=Target(campaign=closed.campaign), by=staff_a)
    assert not CdcFlux.objects.exists()

"""Validated blocks of competences deposited with the CDC: a person the jury did not certify but
who validated blocks is deposited for them, one `certification` per block's RNCP code and one
`passageCertification` per holder and block (its own idTechnique, the block's end as
`dateFinValidite`); tracked per item, answered by idTechnique, deposited again once corrected,
withdrawn once the decision is amended; a block without its RNCP code is listed by the check
with the link to the referential's RNCP page."""

import datetime
import html
from types import SimpleNamespace

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse
from lxml import etree

from cdc.models import CdcFlux, CdcItem
from cdc.selectors import Target, Todo, check_report, holder_lines, withdrawals
from cdc.services import cdc_export, cdc_flux_deposit, cdc_item_withdraw, cdc_report_import
from cdc.xml import NS, validate
from deliberations.models import BlockValidation, Decision
from deliberations.services import jury_decision_amend
from referentials.models import Block
from tests.factories.referentials import with_blocks

from ..factories.candidates import RegistrationFactory
from .conftest import close_jury, complete_person

pytestmark = pytest.mark.django_db
NSS = {"cpf": NS}
BLOCK_END = datetime.date(2032, 5, 15)  # the jury of 15/05/2027 + 5 years


@pytest.fixture
def blocks(campaign, jury_president, jury_member):
    """Capacity 1 is block B1, capacities 2 and 3 block B2; one person certified, one who missed
    capacity 2 (B1 validated, B2 not)."""
    with_blocks(campaign.referential, {"B1": [1], "B2": [2, 3]})
    Block.objects.filter(referential=campaign.referential, code="B1").update(
        rncp_code="RNCP12345BC01"
    )
    Block.objects.filter(referential=campaign.referential, code="B2").update(
        rncp_code="RNCP12345BC02"
    )
    certified = RegistrationFactory(campaign=campaign, candidate=complete_person())
    partial = RegistrationFactory(campaign=campaign, candidate=complete_person())
    session = close_jury(
        campaign,
        president=jury_president,
        member=jury_member,
        admitted=[certified],
        failed=[partial],
    )
    b1 = Block.objects.get(referential=campaign.referential, code="B1")
    return SimpleNamespace(
        campaign=campaign, session=session, certified=certified, partial=partial, b1=b1
    )


def _xml(flux):
    with flux.file.open("rb") as handle:
        return etree.parse(handle).getroot()


def _tech(registration, block=None):
    base = f"cqpm-inscription-{registration.pk}"
    return f"{base}-bloc-{block.pk}" if block else base


def test_a_validated_block_is_deposited_under_its_own_rncp_code(blocks, staff_a):
    (validation,) = BlockValidation.objects.filter(sheet__registration=blocks.partial)
    assert validation.valid_until == BLOCK_END
    report = check_report(Target(campaign=blocks.campaign))
    assert (report.certified, report.block_holders, report.exportable) == (1, 1, 2)

    flux = cdc_export(target=Target(campaign=blocks.campaign), by=staff_a).flux
    with flux.file.open("rb") as handle:
        assert validate(handle) == []
    certifications = {
        c.findtext("cpf:code", namespaces=NSS): [
            p.findtext("cpf:idTechnique", namespaces=NSS)
            for p in c.findall(".//cpf:passageCertification", NSS)
        ]
        for c in _xml(flux).findall(".//cpf:certification", NSS)
    }
    assert certifications == {
        "RNCP12345": [_tech(blocks.certified)],
        "RNCP12345BC01": [_tech(blocks.partial, blocks.b1)],
    }
    block_passage = _xml(flux).find(".//cpf:certification[cpf:code='RNCP12345BC01']", NSS)
    assert block_passage.findtext("cpf:type", namespaces=NSS) == "RNCP"
    passage = block_passage.find(".//cpf:passageCertification", NSS)
    assert passage.findtext("cpf:dateDebutValidite", namespaces=NSS) == "2027-05-15"
    assert passage.findtext("cpf:dateFinValidite", namespaces=NSS) == BLOCK_END.isoformat()
    assert passage.findtext(".//cpf:nomNaissance", namespaces=NSS) == (
        blocks.partial.candidate.last_name
    )
    entry = flux.entries.get(registration=blocks.partial)
    assert (entry.block_id, entry.id_technique) == (blocks.b1.pk, _tech(blocks.partial, blocks.b1))


def test_each_item_is_tracked_answered_and_deposited_again_on_its_own(blocks, staff_a):
    flux = cdc_export(target=Target(campaign=blocks.campaign), by=staff_a).flux
    cdc_flux_deposit(flux=flux, by=staff_a)
    items = {i.id_technique: i for i in CdcItem.objects.all()}
    assert set(items) == {_tech(blocks.certified), _tech(blocks.partial, blocks.b1)}
    assert items[_tech(blocks.partial, blocks.b1)].block_id == blocks.b1.pk
    # The report names the block's idTechnique: only that item is rejected.
    data = (
        "idFlux;idTechnique;statut;motif\n"
        f"{flux.id_flux};{_tech(blocks.certified)};ACCEPTE;\n"
        f"{flux.id_flux};{_tech(blocks.partial, blocks.b1)};REJETE;Commune inconnue\n"
    ).encode()
    assert cdc_report_import(data=data, fluxes=CdcFlux.objects.all(), by=staff_a) == {
        "accepted": 1,
        "rejected": 1,
    }
    block_item = CdcItem.objects.get(id_technique=_tech(blocks.partial, blocks.b1))
    assert (block_item.status, block_item.reason) == ("rejected", "Commune inconnue")
    assert CdcItem.objects.get(id_technique=_tech(blocks.certified)).status == "accepted"
    todo = {ln.row.id_technique: ln.todo for ln in holder_lines(Target(campaign=blocks.campaign))}
    assert todo == {_tech(blocks.certified): Todo.DONE, _tech(blocks.partial, blocks.b1): Todo.FIX}
    # Corrected: the block alone goes again, under the same idTechnique.
    person = blocks.partial.candidate
    person.birth_place_insee, person.birth_place_label = "69266", "Villeurbanne"
    person.save()
    again = cdc_export(target=Target(campaign=blocks.campaign), by=staff_a).flux
    assert list(again.entries.values_list("id_technique", flat=True)) == [
        _tech(blocks.partial, blocks.b1)
    ]
    cdc_flux_deposit(flux=again, by=staff_a)
    block_item.refresh_from_db()
    assert (block_item.status, block_item.entry.flux_id) == ("deposited", again.pk)
    assert CdcItem.objects.count() == 2


def test_an_amended_decision_makes_the_block_to_withdraw(blocks, staff_a, jury_president):
    flux = cdc_export(target=Target(campaign=blocks.campaign), by=staff_a).flux
    cdc_flux_deposit(flux=flux, by=staff_a)
    block_item = CdcItem.objects.get(id_technique=_tech(blocks.partial, blocks.b1))
    with pytest.raises(Exception, match="toujours validé"):
        cdc_item_withdraw(item=block_item, by=staff_a)
    jury_decision_amend(
        decision=Decision.objects.get(registration=blocks.partial, is_active=True),
        outcome="admissible",
        reason="Erreur matérielle",
        jury_reason="Capacité 2 acquise",
        by=jury_president,
    )
    assert list(withdrawals(Target(campaign=blocks.campaign))) == [block_item]
    # Now certified: the certification is to deposit.
    lines = {ln.row.id_technique: ln for ln in holder_lines(Target(campaign=blocks.campaign))}
    assert lines[_tech(blocks.partial)].todo == Todo.DEPOSIT
    assert cdc_item_withdraw(item=block_item, by=staff_a).status == "withdrawn"


def test_a_block_without_its_rncp_code_is_listed_with_the_link_to_fill_it_in(
    blocks, staff_a, client_for
):
    Block.objects.filter(pk=blocks.b1.pk).update(rncp_code="")
    report = check_report(Target(campaign=blocks.campaign))
    (line,) = report.refused
    assert line.is_block and line.rncp_missing
    assert line.problems == ["Le bloc « B1 » n'a pas de code RNCP (RNCP…BC..) : renseignez-le."]
    rncp_url = reverse("referentials:rncp", args=[blocks.campaign.referential_id])
    page = client_for(staff_a).get(reverse("cdc:campaign", args=[blocks.campaign.pk]))
    text = html.unescape(page.content.decode())
    assert "Le bloc « B1 » n'a pas de code RNCP" in text and rncp_url in text
    # The certified person still goes; the block stays out of the flux.
    result = cdc_export(target=Target(campaign=blocks.campaign), by=staff_a)
    assert [ln.row.id_technique for ln in result.refused] == [_tech(blocks.partial, blocks.b1)]
    assert result.flux.holder_count == 1


def test_the_block_holder_missing_data_is_listed_by_the_check(blocks):
    person = blocks.partial.candidate
    person.birth_place_insee = person.birth_place_label = ""
    person.save()
    (line,) = check_report(Target(campaign=blocks.campaign)).refused
    assert line.row.id_technique == _tech(blocks.partial, blocks.b1)
    assert "Lieu de naissance manquant (code INSEE ou code postal de la commune)." in line.problems
    assert line.url == f"/inscriptions/{blocks.partial.pk}/modifier/#etat-civil"


def test_the_staff_home_counts_the_block_holders_to_deposit(blocks, staff_a, client_for):
    from cdc.selectors import pending_deadlines_for

    (row,) = pending_deadlines_for(user=staff_a)
    assert row["n"] == 2
    flux = cdc_export(target=Target(campaign=blocks.campaign), by=staff_a).flux
    cdc_flux_deposit(flux=flux, by=staff_a)
    assert pending_deadlines_for(user=staff_a) == []


BEFORE = [("cdc", "0001_initial")]
AFTER = [("cdc", "0002_cdc_item")]


@pytest.mark.django_db(transaction=True)
def test_the_migration_keeps_the_holders_as_items_with_their_id_technique(closed, staff_a):
    flux = cdc_export(target=Target(campaign=closed.campaign), by=staff_a).flux
    entries = list(flux.entries.order_by("pk"))
    executor = MigrationExecutor(connection)
    try:
        executor.migrate(BEFORE)
        old = executor.loader.project_state(BEFORE).apps
        Holder = old.get_model("cdc", "CdcHolder")
        for entry in entries:
            Holder.objects.create(
                registration_id=entry.registration_id, entry_id=entry.pk, status="accepted"
            )
        MigrationExecutor(connection).migrate(AFTER)
    finally:
        MigrationExecutor(connection).migrate(
            MigrationExecutor(connection).loader.graph.leaf_nodes()
        )
    items = list(CdcItem.objects.order_by("entry_id"))
    assert [(i.id_technique, i.block_id, i.status) for i in items] == [
        (e.id_technique, None, "accepted") for e in entries
    ]
    # And the tracking reads them: the holders are done.
    lines = list(holder_lines(Target(campaign=closed.campaign)))
    done = {ln.row.registration_id for ln in lines if ln.todo == Todo.DONE}
    assert done == {e.registration_id for e in entries}
    # A new item after the migration takes the next id (the table's sequence followed).
    assert CdcItem.objects.create(
        registration=closed.missing, entry=entries[0], id_technique="x", status="deposited"
    ).pk > max(i.pk for i in items)

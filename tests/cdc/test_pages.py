"""The staff's pages and the `cdc_export` command: scoped to the campaign's centre, every entry
point through the one service; the deadline on the staff home."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from cdc.models import CdcFlux, CdcItem
from cdc.xml import validate
from deliberations.models import JurySession

from ..factories.candidates import CampaignFactory, RegistrationFactory
from .conftest import close_jury, complete_person

pytestmark = pytest.mark.django_db


def test_the_campaign_page_shows_the_check_and_links_to_the_identity_page(
    closed, client_for, staff_a, staff_b
):
    url = reverse("cdc:campaign", args=[closed.campaign.pk])
    page = client_for(staff_a).get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "1 titulaire serait refusé par la CDC" in html
    assert "Lieu de naissance manquant (code INSEE ou code postal de la commune)." in html
    assert reverse("candidates:registration_update", args=[closed.missing.pk]) in html
    assert client_for(staff_b).get(url).status_code == 404
    session_page = client_for(staff_a).get(url, {"session": closed.session.pk})
    assert session_page.status_code == 200
    assert client_for(staff_a).get(url, {"session": 999999}).status_code == 404


def test_staff_export_download_deposit_and_upload_the_report(closed, client_for, staff_a, staff_b):
    client = client_for(staff_a)
    response = client.post(reverse("cdc:export", args=[closed.campaign.pk]), {"session": ""})
    assert response.status_code == 302
    flux = CdcFlux.objects.get()
    assert flux.created_by == staff_a and flux.campaign == closed.campaign
    download = client.get(reverse("cdc:flux_download", args=[flux.pk]))
    assert download.status_code == 200 and download["Content-Type"] == "application/xml"
    assert validate(io.BytesIO(b"".join(download.streaming_content))) == []
    assert client_for(staff_b).get(reverse("cdc:flux_download", args=[flux.pk])).status_code == 404
    assert client_for(staff_b).post(reverse("cdc:flux_deposit", args=[flux.pk])).status_code == 404
    client.post(reverse("cdc:flux_deposit", args=[flux.pk]))
    flux.refresh_from_db()
    assert flux.status == CdcFlux.Status.DEPOSITED and flux.deposited_by == staff_a
    tech = f"cqpm-inscription-{closed.holders[0].pk}"
    report = io.BytesIO(
        f"idFlux;idTechnique;statut;motif\n{flux.id_flux};{tech};REJETE;Nom\n".encode()
    )
    report.name = "compte-rendu.csv"
    # Another centre's staff do not reach this flux: its line is unknown to them.
    refused = client_for(staff_b).post(reverse("cdc:report_upload"), {"report": report})
    assert f"flux « {flux.id_flux} » inconnu" in refused.content.decode()
    report.seek(0)
    client.post(reverse("cdc:report_upload"), {"report": report})
    assert CdcItem.objects.get(registration=closed.holders[0]).reason == "Nom"
    page = client.get(reverse("cdc:campaign", args=[closed.campaign.pk])).content.decode()
    assert "Rejeté par la CDC : à corriger" in page


def test_an_export_with_nothing_to_deposit_is_refused_in_french(campaign, client_for, staff_a):
    response = client_for(staff_a).post(reverse("cdc:export", args=[campaign.pk]), follow=True)
    assert "Aucun titulaire certifié dans ce périmètre" in response.content.decode()
    assert not CdcFlux.objects.exists()


def test_the_deadline_is_on_the_staff_home_late_in_red(closed, client_for, staff_a, staff_b):
    home = client_for(staff_a).get(reverse("home")).content.decode()
    assert "Titulaires du jury du 15/05/2027 à déposer à la CDC" in home
    assert "15/08/2027" in home
    JurySession.objects.filter(pk=closed.session.pk).update(date=datetime.date(2024, 1, 10))
    home = client_for(staff_a).get(reverse("home")).content.decode()
    assert "en retard, attendu le 10/04/2024" in home
    assert "à déposer à la CDC" not in client_for(staff_b).get(reverse("home")).content.decode()


def test_the_command_writes_the_flux_or_the_check(closed, tmp_path):
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(SystemExit) as exited:
        call_command("cdc_export", "--campaign", closed.campaign.pk, "--check", stdout=out)
    assert exited.value.code == 1
    assert "Lieu de naissance manquant" in out.getvalue()
    assert f"(inscription {closed.missing.pk})" in out.getvalue()
    call_command("cdc_export", "--session", closed.session.pk, stdout=out, stderr=err)
    assert "1 aux données incomplètes" in err.getvalue()
    xml = out.getvalue().split("refusé(s).\n", 1)[1].encode()
    assert validate(io.BytesIO(xml)) == []
    target = tmp_path / "flux.xml"
    call_command("cdc_export", "--since", "2027-01-01", "--output", str(target), stderr=err)
    with open(target, "rb") as handle:
        assert validate(handle) == []
    assert CdcFlux.objects.count() == 2


def test_the_command_refuses_in_french(closed):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="Campagne 999999 introuvable"):
        call_command("cdc_export", "--campaign", 999999)
    with pytest.raises(CommandError, match="AAAA-MM-JJ"):
        call_command("cdc_export", "--since", "hier")
    with pytest.raises(CommandError, match="Aucun titulaire certifié"):
        call_command("cdc_export", "--since", "2030-01-01")


def test_the_check_passes_once_complete(closed, settings):
    person = closed.missing.candidate
    person.birth_place_insee, person.birth_place_label = "75056", "Paris"
    person.save()
    out = io.StringIO()
    call_command("cdc_export", "--campaign", closed.campaign.pk, "--check", stdout=out)
    summary = "4 titulaire(s), 0 bloc(s) validé(s), 4 prêt(s) à déposer, 0 refusé(s)."
    assert summary in out.getvalue()


def test_holders_of_two_certifiers_go_in_separate_fluxes(
    closed, centre_b, jury_president, jury_member
):
    from django.core.management.base import CommandError

    centre_b.cdc_client_id = "AUTRE001"
    centre_b.save()
    from tests.factories.candidates import MembershipFactory

    other = CampaignFactory(centre=centre_b, referential=closed.campaign.referential, status="jury")
    for user in (jury_president, jury_member):
        membership = user.centre_memberships.get(role="jury")
        MembershipFactory(centre=centre_b, user=user, role="jury", college=membership.college)
    close_jury(
        other,
        president=jury_president,
        member=jury_member,
        admitted=[RegistrationFactory(campaign=other, candidate=complete_person())],
    )
    with pytest.raises(CommandError, match="plusieurs certificateurs"):
        call_command("cdc_export", "--since", "2027-01-01")


def test_outsiders_cannot_post_a_report_or_act_through_the_services(
    closed, client_for, outsider, staff_a, staff_b
):
    from cdc.selectors import Target
    from cdc.services import cdc_export, cdc_flux_deposit
    from cqpm.core.errors import DomainError

    report = io.BytesIO(b"idFlux;idTechnique;statut;motif\nx;y;ACCEPTE;\n")
    report.name = "cr.csv"
    assert (
        client_for(outsider).post(reverse("cdc:report_upload"), {"report": report}).status_code
        == 404
    )
    with pytest.raises(DomainError, match="pas le droit"):
        cdc_export(target=Target(campaign=closed.campaign), by=staff_b)
    flux = cdc_export(target=Target(campaign=closed.campaign), by=staff_a).flux
    with pytest.raises(DomainError, match="pas le droit"):
        cdc_flux_deposit(flux=flux, by=staff_b)


def test_the_pages_cost_the_same_queries_whatever_the_number_of_holders(
    closed, client_for, staff_a, jury_president, jury_member
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(staff_a)
    urls = [reverse("cdc:campaign", args=[closed.campaign.pk]), reverse("cdc:tracker")]

    def counts():
        out = []
        for url in urls:
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
            out.append(len(queries))
        return out

    before = counts()
    more = [
        RegistrationFactory(campaign=closed.campaign, candidate=complete_person()) for _ in range(4)
    ]
    close_jury(
        closed.campaign,
        president=jury_president,
        member=jury_member,
        admitted=more,
    )
    assert counts() == before


def test_the_registration_page_shows_where_the_holder_stands(closed, client_for, staff_a):
    from cdc.selectors import Target
    from cdc.services import cdc_export, cdc_flux_deposit

    client = client_for(staff_a)
    missing = client.get(reverse("candidates:registration_detail", args=[closed.missing.pk]))
    html = missing.content.decode()
    assert "Dépôt à la Caisse des Dépôts" in html and "Lieu de naissance manquant" in html
    flux = cdc_export(target=Target(campaign=closed.campaign), by=staff_a).flux
    cdc_flux_deposit(flux=flux, by=staff_a)
    page = client.get(reverse("candidates:registration_detail", args=[closed.holders[0].pk]))
    html = page.content.decode()
    assert "Déposé, en attente du compte rendu" in html and flux.id_flux in html
    failing = client.get(reverse("candidates:registration_detail", args=[closed.failing.pk]))
    assert "Dépôt à la Caisse des Dépôts" not in failing.content.decode()


def test_the_command_writes_bytes_to_a_real_standard_output(closed, capsysbinary):
    call_command("cdc_export", "--campaign", closed.campaign.pk)
    out = capsysbinary.readouterr().out
    assert out.startswith(b"<?xml") and validate(io.BytesIO(out)) == []

"""The journey of issue 23, with the test client (a browser adds nothing to a form and a file):
candidates imported, their jury closed by its president, the check naming what is missing for the
one imported without a birth place, the flux downloaded and valid against the CDC's XSD, the
missing data filled in and deposited in a second flux, the CDC's report accepting both."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from candidates.models import Campaign, Registration
from cdc.models import CdcFlux, CdcItem
from cdc.xml import validate
from tests.candidates.data import csv_bytes, good_row

from .conftest import IDENTITY, close_jury

pytestmark = pytest.mark.django_db


def _xml(client, flux) -> bytes:
    response = client.get(reverse("cdc:flux_download", args=[flux.pk]))
    assert response.status_code == 200
    return b"".join(response.streaming_content)


def test_from_the_jury_closing_to_a_flux_the_xsd_accepts(
    campaign, client_for, staff_a, jury_president, jury_member, tmp_path
):
    Campaign.objects.filter(pk=campaign.pk).update(status=Campaign.Status.OPEN)
    path = tmp_path / "candidats.csv"
    path.write_bytes(csv_bytes([good_row(1), good_row(2)]))
    call_command("import_candidates", str(path), campaign=campaign.pk, stdout=io.StringIO())
    first, second = Registration.objects.filter(campaign=campaign).order_by("candidate__last_name")
    # One of them gave their birth place afterwards; the other did not.
    for name, value in IDENTITY.items():
        setattr(first.candidate, name, value)
    first.candidate.save()
    Campaign.objects.filter(pk=campaign.pk).update(status=Campaign.Status.JURY)
    session = close_jury(
        campaign, president=jury_president, member=jury_member, admitted=[first, second]
    )

    client = client_for(staff_a)
    home = client.get(reverse("home")).content.decode()
    assert "Titulaires du jury du 15/05/2027 à déposer à la CDC" in home
    page = client.get(reverse("cdc:campaign", args=[campaign.pk]), {"session": session.pk})
    html = page.content.decode()
    assert "1 titulaire serait refusé par la CDC" in html
    assert str(second.candidate) in html
    assert "Lieu de naissance manquant (code INSEE ou code postal de la commune)." in html
    assert reverse("candidates:registration_update", args=[second.pk]) in html

    client.post(reverse("cdc:export", args=[campaign.pk]), {"session": session.pk})
    flux = CdcFlux.objects.get()
    assert flux.holder_count == 1
    assert validate(io.BytesIO(_xml(client, flux))) == []
    client.post(reverse("cdc:flux_deposit", args=[flux.pk]))

    # The staff follow the check's link and fill in the birth place there.
    url = reverse("candidates:registration_update", args=[second.pk])
    form = client.get(url).context["form"]
    data = {name: value for name, value in form.initial.items() if value is not None}
    data["birth_date"] = second.candidate.birth_date.isoformat()
    data["registered_on"] = second.registered_on.isoformat()
    data.update(IDENTITY)
    assert client.post(url, data).status_code == 302
    second.candidate.refresh_from_db()
    assert second.candidate.birth_place_insee == "69123"
    html = client.get(reverse("cdc:campaign", args=[campaign.pk])).content.decode()
    assert "1 titulaire est prêt à déposer." in html
    client.post(reverse("cdc:export", args=[campaign.pk]), {"session": ""})
    again = CdcFlux.objects.exclude(pk=flux.pk).get()
    xml = _xml(client, again)
    assert validate(io.BytesIO(xml)) == []
    assert f"cqpm-inscription-{second.pk}".encode() in xml
    assert f"cqpm-inscription-{first.pk}".encode() not in xml

    lines = [f"{flux.id_flux};cqpm-inscription-{first.pk};ACCEPTE;"]
    lines.append(f"{again.id_flux};cqpm-inscription-{second.pk};ACCEPTE;")
    report = io.BytesIO(("idFlux;idTechnique;statut;motif\n" + "\n".join(lines)).encode())
    report.name = "compte-rendu.csv"
    client.post(reverse("cdc:report_upload"), {"report": report})
    assert set(CdcItem.objects.values_list("status", flat=True)) == {"accepted"}
    home = client.get(reverse("home")).content.decode()
    assert "à déposer à la CDC" not in home

"""The CDC flux written from plain rows: valid against the XSD, streamed, fingerprinted."""

import datetime
import io

from django.utils import timezone
from lxml import etree

from cdc.check import certification_problems, holder_problems
from cdc.xml import NS, FluxHeader, HolderRow, fingerprint, paris_timestamp, validate, write_flux


def row(n=1, **overrides):
    values = {
        "id_technique": f"cqpm-{n}",
        "rncp_code": "RNCP12345",
        "jury_date": datetime.date(2027, 5, 15),
        "birth_name": "Dupont",
        "usage_name": "",
        "first_name": "Marie",
        "second_first_name": "Louise",
        "third_first_name": "",
        "sex": "F",
        "birth_date": datetime.date(1990, 3, 4),
        "birth_place_insee": "69123",
        "birth_postal_code": "",
        "birth_place_label": "Lyon",
        "birth_country_code": "100",
        "birth_country_label": "France",
        "access_mode": "FORMATION_CONTINUE_HORS_CONTRAT_DE_PROFESSIONNALISATION",
        "initiative": "EMPLOYEUR",
        "registered_on": datetime.date(2026, 9, 15),
    }
    values.update(overrides)
    return HolderRow(**values)


HEADER = FluxHeader(
    id_flux="cqpm-test-1",
    timestamp=datetime.datetime(2027, 6, 1, 8, 30, tzinfo=datetime.UTC),
    emitter_client_id="ABCD1234",
    client_id="ABCD1234",
    contract_id="MCFCER000123",
)


def written(rows, header=HEADER):
    out = io.BytesIO()
    prints = write_flux(out, header, rows)
    return out.getvalue(), prints


def test_it_writes_a_flux_that_validates_against_the_xsd():
    rows = [
        row(1),
        row(2, usage_name="Martin", birth_place_insee="", birth_postal_code="99999"),
        row(3, rncp_code="RNCP67890", access_mode="VAE", vae_way="VAE_CLASSIQUE"),
    ]
    data, prints = written(rows)
    assert validate(io.BytesIO(data)) == []
    assert set(prints) == {"cqpm-1", "cqpm-2", "cqpm-3"}
    tree = etree.fromstring(data)
    ns = {"cpf": NS}
    assert [c.text for c in tree.iterfind(".//cpf:certification/cpf:code", ns)] == [
        "RNCP12345",
        "RNCP67890",
    ]
    assert len(tree.findall(".//cpf:passageCertification", ns)) == 3
    assert tree.findtext("cpf:horodatage", namespaces=ns) == "2027-06-01T10:30:00+02:00"
    # The namespace is declared once, on the root.
    assert data.count(b'xmlns:cpf="') == 1


def test_the_timestamp_is_in_paris_with_its_offset_in_winter_too():
    winter = datetime.datetime(2027, 1, 10, 12, 0, tzinfo=datetime.UTC)
    assert paris_timestamp(winter) == "2027-01-10T13:00:00+01:00"
    assert paris_timestamp(timezone.now())[-6:] in ("+01:00", "+02:00")


def test_a_document_the_xsd_refuses_is_reported():
    data, _ = written([row(1, sex="X")])
    errors = validate(io.BytesIO(data))
    assert errors and "sexe" in errors[0]


def test_the_fingerprint_changes_with_the_data_only():
    assert fingerprint(row(1)) == fingerprint(row(1))
    assert fingerprint(row(1)) != fingerprint(row(1, birth_place_label="Villeurbanne"))


def test_the_check_names_what_is_missing_in_french():
    problems = holder_problems(
        row(1, birth_place_insee="", birth_place_label="", birth_name="x" * 61, sex="")
    )
    assert "Lieu de naissance manquant (code INSEE ou code postal de la commune)." in problems
    assert "Commune de naissance manquante (libellé)." in problems
    assert "Le nom de naissance dépasse 60 caractères." in problems
    assert "Sexe manquant (M ou F)." in problems
    assert holder_problems(row(1)) == []
    assert holder_problems(row(1, first_name="Ma\x00rie")) == [
        "Caractère non autorisé dans le premier prénom."
    ]
    assert holder_problems(row(1, birth_date=datetime.date(1899, 12, 31))) == [
        "Année de naissance hors de 1900–2099."
    ]


def test_an_emoji_validates():
    data, _ = written([row(1, first_name="Zoé 🙂")])
    assert validate(io.BytesIO(data)) == []


def test_the_certification_check():
    jury = datetime.date(2027, 5, 15)
    ok = {"client_id": "ABCD1234", "contract_id": "C1", "jury_date": jury, "registered": True}
    assert certification_problems(rncp_code="RNCP12345", rncp_end=None, **ok) == []
    assert certification_problems(rncp_code="", rncp_end=None, **ok)
    unregistered = certification_problems(
        rncp_code="", rncp_end=None, **{**ok, "registered": False}
    )
    assert unregistered == [
        "Ce CQPM n'est pas enregistré au RNCP : ses titulaires ne se déposent pas à la "
        "Caisse des Dépôts."
    ]
    ended = certification_problems(rncp_code="RNCP12345", rncp_end=datetime.date(2027, 1, 1), **ok)
    assert ended == [
        "L'enregistrement au RNCP a pris fin le 01/01/2027, avant le jury du 15/05/2027."
    ]

"""The history speaks French: labels for codes, JJ/MM/AAAA dates, and nothing else mangled."""

import pytest

from candidates.history import readable

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("withdrawn", "Désinscrit"),
        ("vae", "VAE"),
        ("2026-10-05", "05/10/2026"),
        ("0601020304", "0601020304"),
        ("+33601020304", "+33601020304"),
        (None, "—"),
        ("", "—"),
        (True, "oui"),
        (["vae", "other"], "VAE, Autre"),
    ],
)
def test_it_makes_stored_values_readable(value, expected):
    within = ("stage",) if value == "withdrawn" else ()
    assert readable(value, within=within) == expected


def test_a_code_two_apps_label_apart_reads_by_its_namespace():
    """« withdrawn » is a registration's stage (Désinscrit) and a CDC holder's state (Retiré):
    each reads in its own words, and neither wording leaks into the other."""
    assert readable("withdrawn", within=("stage",)) == "Désinscrit"
    assert readable("withdrawn", within=("candidates.registration",)) == "Désinscrit"
    assert readable("withdrawn", within=("cdc.cdcitem",)) == "Retiré"


def test_it_tells_events_of_other_apps_in_sentences(client_for, staff_a, registration_a):
    from django.urls import reverse

    from cqpm.core.audit import audit_log

    audit_log(
        action="cqpm.dossier.submitted",
        obj=registration_a,
        by=staff_a,
        registration_id=registration_a.pk,
    )
    audit_log(
        action="cqpm.documents.document.generated",
        obj=registration_a,
        data={"before": "running", "after": "ready", "sha256": "ab" * 32},
        registration_id=registration_a.pk,
    )
    body = client_for(staff_a).get(
        reverse("candidates:registration_detail", args=[registration_a.pk])
    )
    body = body.content.decode()
    assert f"{staff_a} a soumis le dossier d&#x27;évaluation au centre de ressource." in body
    assert "a été généré et peut être téléchargé" in body
    assert "Prêt" in body or "prêt" in body
    assert "cqpm." not in body  # never a dotted code
    assert "ab" * 32 not in body  # never a hash


def test_it_refuses_to_write_an_undeclared_event(registration_a):
    from cqpm.core.audit import audit_log
    from cqpm.core.registry import UndeclaredSeam

    with pytest.raises(UndeclaredSeam):
        audit_log(action="cqpm.unknown.thing", obj=registration_a)

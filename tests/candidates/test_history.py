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
    assert readable(value) == expected


def test_it_labels_codes_of_other_apps_from_settings(client_for, staff_a, registration_a, settings):
    from django.urls import reverse

    from cqpm.core.audit import audit_log

    settings.CQPM_AUDIT_LABELS = {"cqpm.dossier.submitted": "Dossier soumis au centre de ressource"}
    audit_log(
        action="cqpm.dossier.submitted",
        obj=registration_a,
        by=staff_a,
        registration_id=registration_a.pk,
    )
    audit_log(action="cqpm.unknown.thing", obj=registration_a, registration_id=registration_a.pk)
    body = client_for(staff_a).get(
        reverse("candidates:registration_detail", args=[registration_a.pk])
    )
    body = body.content.decode()
    assert "Dossier soumis au centre de ressource" in body
    assert "cqpm.unknown.thing" in body
    assert "Système" in body

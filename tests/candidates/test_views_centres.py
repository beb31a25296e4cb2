"""Centre pages: identity edited by its staff, members added and removed."""

import html

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import User
from candidates.models import CentreMembership
from cqpm.core.models import AuditEntry

from .test_services_centres import GIF

pytestmark = pytest.mark.django_db


def test_the_centre_page_shows_identity_and_members(client_for, staff_a, centre_a, evaluator):
    body = client_for(staff_a).get(reverse("candidates:centre_detail", args=[centre_a.pk]))
    body = body.content.decode()
    assert "UIMM Centre A" in body
    assert "evaluateur@exemple.fr" in body
    assert "Évaluateur" in body
    assert "Entreprise de l&#x27;évaluateur" in body


def test_it_edits_the_identity_with_a_logo(client_for, staff_a, centre_a):
    data = {
        "name": "UIMM Savoie",
        "region": "Auvergne-Rhône-Alpes",
        "signatory_name": "Luc Blanc",
        "signatory_title": "Directeur",
        "logo": SimpleUploadedFile("logo.gif", GIF, content_type="image/gif"),
    }
    response = client_for(staff_a).post(
        reverse("candidates:centre_update", args=[centre_a.pk]), data
    )
    assert response.status_code == 302
    centre_a.refresh_from_db()
    assert centre_a.name == "UIMM Savoie"
    assert centre_a.logo.name.endswith(".png")  # re-encoded: pixels only, never the upload
    assert centre_a.logo.read().startswith(b"\x89PNG")
    assert AuditEntry.objects.filter(action="cqpm.centre.updated").count() == 1


def test_it_refuses_a_logo_that_is_not_an_image(client_for, staff_a, centre_a):
    data = {
        "name": "UIMM Savoie",
        "logo": SimpleUploadedFile("logo.png", b"pas une image", content_type="image/png"),
    }
    response = client_for(staff_a).post(
        reverse("candidates:centre_update", args=[centre_a.pk]), data
    )
    assert response.status_code == 200
    # Django's message, as translated by the installed apps (DRF's catalogue comes first).
    assert "une image valide" in response.content.decode()
    centre_a.refresh_from_db()
    assert centre_a.name == "UIMM Centre A"
    assert not AuditEntry.objects.exists()


def test_it_adds_a_member(client_for, staff_a, centre_a):
    url = reverse("candidates:membership_add", args=[centre_a.pk])
    response = client_for(staff_a).post(
        url, {"email": "jure.neuf@exemple.fr", "role": "jury", "college": "employer"}
    )
    assert response.status_code == 302
    membership = CentreMembership.objects.get(user__email="jure.neuf@exemple.fr")
    assert membership.college == "employer"
    assert not membership.user.has_usable_password()


def test_it_explains_a_refused_member(client_for, staff_a, centre_a):
    url = reverse("candidates:membership_add", args=[centre_a.pk])
    response = client_for(staff_a).post(url, {"email": "jure.neuf@exemple.fr", "role": "jury"})
    assert response.status_code == 200
    assert "Indiquez le collège" in response.content.decode()
    assert not User.objects.filter(email="jure.neuf@exemple.fr").exists()


def test_it_refuses_an_evaluator_employer_with_a_bad_siret(client_for, staff_a, centre_a):
    url = reverse("candidates:membership_add", args=[centre_a.pk])
    response = client_for(staff_a).post(
        url,
        {"email": "eval@exemple.fr", "role": "evaluator", "company_siret": "12345678901234"},
    )
    assert "clé de contrôle erronée" in response.content.decode()
    assert not User.objects.filter(email="eval@exemple.fr").exists()


def test_it_removes_a_member_but_not_the_last_staff(client_for, staff_a, centre_a, evaluator):
    client = client_for(staff_a)
    evaluator_membership = CentreMembership.objects.get(user=evaluator)
    url = reverse("candidates:membership_remove", args=[centre_a.pk, evaluator_membership.pk])
    page = html.unescape(client.post(url).content.decode())  # the confirmation page first
    assert f"{evaluator.email} n'a plus le rôle « Évaluateur » au centre UIMM Centre A." in page
    assert "Confirmer le retrait" in page
    assert CentreMembership.objects.filter(user=evaluator).exists()
    client.post(url, {"confirm": "1"})
    assert not CentreMembership.objects.filter(user=evaluator).exists()
    own = CentreMembership.objects.get(user=staff_a)
    response = client.post(
        reverse("candidates:membership_remove", args=[centre_a.pk, own.pk]),
        {"confirm": "1"},
        follow=True,
    )
    assert "au moins un membre du personnel" in response.content.decode()
    assert CentreMembership.objects.filter(user=staff_a).exists()


def test_it_cannot_remove_a_member_of_another_centre_through_its_own(
    client_for, staff_a, staff_b, centre_a
):
    other = CentreMembership.objects.get(user=staff_b)
    response = client_for(staff_a).post(
        reverse("candidates:membership_remove", args=[centre_a.pk, other.pk])
    )
    assert response.status_code == 404
    assert CentreMembership.objects.filter(user=staff_b).exists()

"""Centre identity and memberships: staff only, accounts without password, audit."""

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from accounts.models import User
from candidates.models import CentreMembership
from candidates.services import CentreData, centre_update, membership_add, membership_remove
from cqpm.core.errors import DomainError
from cqpm.core.models import AuditEntry

pytestmark = pytest.mark.django_db

# A 1x1 transparent GIF.
GIF = (
    b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00"
    b",\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;"
)


def test_it_updates_the_identity_of_a_centre(centre_a, staff_a):
    data = CentreData(
        name="UIMM Lorraine",
        region="Grand Est",
        signatory_name="Anne Roux",
        signatory_title="Présidente",
    )
    logo = SimpleUploadedFile("logo.gif", GIF, content_type="image/gif")
    centre = centre_update(centre=centre_a, data=data, logo=logo, by=staff_a)
    centre.refresh_from_db()
    assert centre.name == "UIMM Lorraine"
    assert centre.logo.name.startswith("centres/logos/logo")
    entry = AuditEntry.objects.get(action="cqpm.centre.updated")
    assert entry.centre_id == centre_a.pk
    assert entry.data["before"]["name"] == "UIMM Centre A"
    assert entry.data["after"]["signatory_name"] == "Anne Roux"


def test_it_refuses_a_name_taken_by_another_centre(centre_a, centre_b, staff_a):
    with pytest.raises(DomainError, match="existe déjà"):
        centre_update(centre=centre_a, data=CentreData(name=centre_b.name), by=staff_a)
    centre_a.refresh_from_db()
    assert centre_a.name == "UIMM Centre A"


def test_it_refuses_staff_of_another_centre(centre_a, staff_b):
    with pytest.raises(DomainError, match="personnel de ce centre"):
        centre_update(centre=centre_a, data=CentreData(name="Pris"), by=staff_b)


def test_it_adds_a_member_creating_an_account_without_password(
    centre_a, staff_a, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        membership = membership_add(
            centre=centre_a,
            email="Nouvelle.Personne@Exemple.fr",
            role=CentreMembership.Role.JURY,
            college=CentreMembership.College.EMPLOYEE,
            first_name="Nina",
            by=staff_a,
        )
    user = User.objects.get(email="nouvelle.personne@exemple.fr")
    assert membership.user == user
    assert not user.has_usable_password()
    assert AuditEntry.objects.get(action="cqpm.centre.membership.added").centre_id == centre_a.pk
    assert len(mail.outbox) == 1
    body = mail.outbox[0].body
    assert "mot de passe :" not in body.lower()
    link = next(word for word in body.split() if "/comptes/invitation/" in word)
    path = link.split("://", 1)[1].split("/", 1)[1]
    page = Client().get("/" + path, follow=True)
    assert page.status_code == 200
    assert "n'est plus valide" not in page.content.decode()


def test_it_adds_an_existing_account_and_sends_no_mail(
    centre_a, staff_a, tutor, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        membership_add(centre=centre_a, email="TUTEUR@exemple.fr", role="evaluator", by=staff_a)
    assert CentreMembership.objects.get(user=tutor).role == "evaluator"
    assert mail.outbox == []


def test_it_requires_a_college_for_jury_members(centre_a, staff_a):
    with pytest.raises(DomainError, match="collège"):
        membership_add(centre=centre_a, email="j@exemple.fr", role="jury", by=staff_a)
    assert not User.objects.filter(email="j@exemple.fr").exists()


def test_it_refuses_the_same_role_twice(centre_a, staff_a):
    with pytest.raises(DomainError, match="déjà ce rôle"):
        membership_add(centre=centre_a, email=staff_a.email, role="staff", by=staff_a)


def test_it_removes_a_member_with_audit(centre_a, staff_a, evaluator):
    membership = CentreMembership.objects.get(user=evaluator)
    membership_remove(membership=membership, by=staff_a)
    assert not CentreMembership.objects.filter(user=evaluator).exists()
    entry = AuditEntry.objects.get(action="cqpm.centre.membership.removed")
    assert entry.data["before"] == {"user": "evaluateur@exemple.fr", "role": "evaluator"}


def test_it_keeps_the_last_staff_member(centre_a, staff_a):
    membership = CentreMembership.objects.get(user=staff_a)
    with pytest.raises(DomainError, match="au moins un membre du personnel"):
        membership_remove(membership=membership, by=staff_a)
    assert CentreMembership.objects.filter(user=staff_a).exists()

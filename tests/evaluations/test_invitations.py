"""A new respondent is invited: French e-mail, text and HTML, a one-time link, no password."""

import re
from urllib.parse import urlsplit

import pytest
from django.core import mail

from accounts.models import User
from evaluations.services.opinions import opinion_assign_respondent
from tests.evaluations.helpers import text

pytestmark = pytest.mark.django_db


@pytest.fixture
def invited(registration_a, staff_a, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        opinion_assign_respondent(
            registration=registration_a,
            email="Nouvelle.Tutrice@Exemple.fr",
            role="functional",
            first_name="Nadia",
            last_name="Benali",
            by=staff_a,
        )
    return User.objects.get(email="nouvelle.tutrice@exemple.fr")


def _link(message) -> str:
    match = re.search(r"https?://\S+/comptes/invitation/\S+/", message.body)
    assert match, message.body
    return urlsplit(match.group(0)).path


def test_it_creates_the_account_without_a_usable_password(invited):
    assert not invited.has_usable_password()
    assert invited.first_name == "Nadia"


def test_it_sends_a_french_invitation_in_text_and_html_without_password(invited):
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["nouvelle.tutrice@exemple.fr"]
    assert message.subject.startswith("[CQPM] Invitation")
    assert "Bonjour Nadia" in message.body
    assert "choisir votre mot de passe" in message.body
    assert "15/03/2027" in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert "Choisir mon mot de passe" in html
    assert "mot de passe :" not in message.body.lower()
    assert "motdepasse" not in message.body and "password=" not in message.body


def test_it_lets_the_link_set_the_password_once(client, invited):
    link = _link(mail.outbox[0])
    response = client.get(link, follow=True)
    assert response.status_code == 200
    assert "Choisir votre mot de passe" in text(response)
    form_url = response.redirect_chain[-1][0]
    response = client.post(
        form_url,
        {"new_password1": "Une-phrase-solide-2027", "new_password2": "Une-phrase-solide-2027"},
        follow=True,
    )
    assert "Votre mot de passe est enregistré" in text(response)
    invited.refresh_from_db()
    assert invited.check_password("Une-phrase-solide-2027")

    second = client.get(link, follow=True)
    assert "Ce lien d'invitation n'est plus valide" in text(second)
    client.post(
        second.redirect_chain[-1][0] if second.redirect_chain else link,
        {"new_password1": "Autre-phrase-solide-99", "new_password2": "Autre-phrase-solide-99"},
    )
    invited.refresh_from_db()
    assert invited.check_password("Une-phrase-solide-2027")


def test_it_refuses_a_forged_link(client, invited):
    response = client.get(f"/comptes/invitation/{invited.pk}/faux-jeton/", follow=True)
    assert "Ce lien d'invitation n'est plus valide" in text(response)


def test_it_invites_again_a_person_who_never_set_a_password(
    registration_a, staff_a, invited, campaign_a, django_capture_on_commit_callbacks
):
    from tests.factories.candidates import RegistrationFactory

    with django_capture_on_commit_callbacks(execute=True):
        opinion_assign_respondent(
            registration=RegistrationFactory(campaign=campaign_a),
            email="nouvelle.tutrice@exemple.fr",
            role="tutor",
            by=staff_a,
        )
    assert len(mail.outbox) == 2
    assert "Invitation" in mail.outbox[1].subject
    assert User.objects.filter(email="nouvelle.tutrice@exemple.fr").count() == 1

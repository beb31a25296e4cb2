"""The shell every page stands on: login, French, mandatory TOTP, idle timeout, audit, workflow."""

import pytest
from django.urls import reverse

from accounts.models import User
from candidates.models import Campaign
from cqpm.core.audit import audit_history, audit_log
from cqpm.core.errors import DomainError, InvalidTransition
from cqpm.core.models import AuditEntry
from cqpm.core.workflow import transition

from .factories.accounts import UserFactory
from .factories.candidates import CampaignFactory, MembershipFactory

pytestmark = pytest.mark.django_db


def test_it_sends_anonymous_users_to_the_login_page(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_it_speaks_french_on_the_login_page(client):
    response = client.get(reverse("account_login"))
    body = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="fr">' in body
    assert "Mot de passe" in body
    assert "Connexion" in body


def test_it_has_no_public_signup(client):
    response = client.post(
        reverse("account_signup"),
        {"email": "intrus@exemple.fr", "password1": "x" * 12, "password2": "x" * 12},
    )
    assert response.status_code == 200
    assert "les inscriptions sont actuellement fermées" in response.content.decode()
    assert not User.objects.filter(email="intrus@exemple.fr").exists()


def test_it_logs_in_by_email(client):
    user = UserFactory(email="marie@exemple.fr")
    response = client.post(
        reverse("account_login"),
        {"login": "marie@exemple.fr", "password": "motdepasse-de-test-42"},
    )
    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == user.pk


def test_it_sends_staff_without_totp_to_set_it_up(client):
    staff = MembershipFactory(role="staff").user
    client.force_login(staff)
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")


def test_it_lets_staff_with_totp_in(client_for, staff_a):
    response = client_for(staff_a).get(reverse("home"))
    assert response.status_code == 200


def test_it_does_not_require_totp_from_a_tutor(client_for, tutor):
    assert client_for(tutor).get(reverse("home")).status_code == 200


def test_it_logs_out_idle_staff(client_for, staff_a, settings):
    client = client_for(staff_a)
    assert client.get(reverse("home")).status_code == 200
    session = client.session
    session["cqpm_last_seen"] -= settings.CQPM_SENSITIVE_IDLE_TIMEOUT + 1
    session.save()
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert "_auth_user_id" not in client.session


def test_it_keeps_the_audit_log_append_only(staff_a):
    from cqpm.core.registry import declare_event

    declare_event("cqpm.test.done", "Test", "{actor} a fait un test.")
    campaign = CampaignFactory()
    entry = audit_log(action="cqpm.test.done", obj=campaign, by=staff_a, registration_id=7)
    entry.action = "changed"
    with pytest.raises(DomainError):
        entry.save()
    with pytest.raises(DomainError):
        entry.delete()
    with pytest.raises(DomainError):
        AuditEntry.objects.all().delete()
    assert [e.action for e in audit_history(registration_id=7)] == ["cqpm.test.done"]


def test_it_moves_a_state_machine_and_writes_the_audit_entry(staff_a):
    campaign = CampaignFactory(status=Campaign.Status.PLANNED)
    moved = transition(
        campaign,
        to=Campaign.Status.OPEN,
        by=staff_a,
        action="cqpm.campaign.opened",
        allowed=Campaign.TRANSITIONS,
    )
    assert moved.status == Campaign.Status.OPEN
    entry = AuditEntry.objects.get(action="cqpm.campaign.opened")
    assert entry.data == {"before": "planned", "after": "open"}
    assert entry.actor == staff_a


def test_it_refuses_a_transition_the_map_forbids_and_writes_nothing(staff_a):
    campaign = CampaignFactory(status=Campaign.Status.CLOSED)
    with pytest.raises(InvalidTransition, match="Clôturée"):
        transition(
            campaign,
            to=Campaign.Status.OPEN,
            by=staff_a,
            action="cqpm.campaign.opened",
            allowed=Campaign.TRANSITIONS,
        )
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.CLOSED
    assert not AuditEntry.objects.exists()


def test_it_answers_the_health_check(client):
    assert client.get(reverse("healthz")).content == b"ok"


def test_it_stamps_the_idle_clock_once_a_minute_not_on_every_request(client_for, staff_a):
    client = client_for(staff_a)
    client.get(reverse("home"))
    first = client.session["cqpm_last_seen"]
    client.get(reverse("home"))
    assert client.session["cqpm_last_seen"] == first  # no session write within the minute
    session = client.session
    session["cqpm_last_seen"] -= 61
    session.save()
    client.get(reverse("home"))
    assert client.session["cqpm_last_seen"] > first - 61

"""Jury decisions: admissible iff every capacity acquired, never overwritten, closed and amended
by the president only, and two members at once never lose a decision silently."""

import datetime
import html
import threading

import pytest
from django.db import connection
from django.urls import reverse

from candidates.services import registration_withdraw
from cqpm.core.errors import ConcurrentUpdate, DomainError
from cqpm.core.models import AuditEntry
from cqpm.core.registry import listening, on_hook, registry
from deliberations.models import CapacityResult, Decision, JurySession
from deliberations.seams import DECISION_AMENDED, DECISION_RECORDED, JURY_SESSION_CLOSED
from deliberations.services import (
    jury_decision_amend,
    jury_decision_record,
    jury_session_close,
)

from ..factories.candidates import RegistrationFactory
from ..factories.deliberations import jury, results


@pytest.fixture(autouse=True)
def _at_the_jury(at_jury):
    """Jury sessions deliberate and close while the campaign is at the jury (lifecycle.py)."""


pytestmark = pytest.mark.django_db

DELIBERATING = JurySession.Status.DELIBERATING


def _record(session, registration, outcome, by, expected=None):
    return jury_decision_record(
        session=session,
        registration=registration,
        outcome=outcome,
        expected_decision_id=expected,
        by=by,
    )


def test_it_refuses_admissible_unless_every_capacity_is_acquired(
    session, failing_reg, admissible_reg, jury_member
):
    with pytest.raises(DomainError) as refused:
        _record(session, failing_reg, "admissible", jury_member)
    assert "seules 2 capacités sur 3 sont acquises" in refused.value.message
    assert not Decision.objects.exists()
    _record(session, failing_reg, "not_admissible", jury_member)
    assert _record(session, admissible_reg, "admissible", jury_member).outcome == "admissible"


def test_it_refuses_any_decision_on_results_not_validated(campaign, session, jury_member):
    registration = RegistrationFactory(campaign=campaign)
    results(registration, validated=False)
    session.candidates.create(registration=registration)
    for outcome in ("absent", "not_admissible", "admissible"):
        with pytest.raises(DomainError, match="ne sont pas validés"):
            _record(session, registration, outcome, jury_member)
    assert not Decision.objects.exists()


def test_it_refuses_decisions_outside_deliberation(session, admissible_reg, jury_member):
    for status, message in (("planned", "pas ouverte"), ("closed", "rectification")):
        JurySession.objects.filter(pk=session.pk).update(status=status)
        with pytest.raises(DomainError, match=message):
            _record(session, admissible_reg, "admissible", jury_member)
    assert not Decision.objects.exists()


def test_it_refuses_a_member_of_another_session_or_one_who_did_not_sign(
    session, admissible_reg, jury_member, other_jury_member
):
    with pytest.raises(DomainError, match="ne siégez pas"):
        _record(session, admissible_reg, "admissible", other_jury_member)
    session.members.filter(user=jury_member).update(present=False)
    with pytest.raises(DomainError, match="émargé"):
        _record(session, admissible_reg, "admissible", jury_member)
    assert not Decision.objects.exists()


def test_it_records_absent_and_excused(session, admissible_reg, failing_reg, jury_member):
    assert _record(session, admissible_reg, "absent", jury_member).outcome == "absent"
    assert _record(session, failing_reg, "excused", jury_member).outcome == "excused"


def test_a_change_during_deliberation_supersedes_and_keeps_both(
    session, admissible_reg, jury_member, jury_president
):
    first = _record(session, admissible_reg, "absent", jury_member)
    second = _record(session, admissible_reg, "admissible", jury_president, expected=first.pk)
    first.refresh_from_db()
    assert (first.is_active, second.is_active) == (False, True)
    assert second.supersedes == first
    assert second.reason == "Modifiée en délibération"
    assert AuditEntry.objects.filter(action="cqpm.jury.decision.recorded").count() == 2


def test_it_raises_a_conflict_when_the_active_decision_changed(
    session, failing_reg, jury_member, jury_president
):
    seen = None  # both members loaded the page before any decision
    first = _record(session, failing_reg, "not_admissible", jury_member, expected=seen)
    with pytest.raises(ConcurrentUpdate) as conflict:
        _record(session, failing_reg, "excused", jury_president, expected=seen)
    assert "Un autre membre du jury a enregistré une décision entre-temps" in str(conflict.value)
    assert "Non admissible" in str(conflict.value)
    assert list(Decision.objects.values_list("pk", "outcome", "is_active")) == [
        (first.pk, "not_admissible", True)
    ]


def _post_decision(client, session, registration, outcome, expected):
    return client.post(
        reverse("deliberations:decision_record", args=[session.pk, registration.pk]),
        {"outcome": outcome, "expected": expected or ""},
        follow=True,
    )


def test_two_members_posting_at_once_lose_nothing(
    client_for, session, failing_reg, jury_member, jury_president
):
    url = reverse("deliberations:jury_deliberation", args=[session.pk])
    member, president = client_for(jury_member), client_for(jury_president)
    # Both pages are open with no decision: both forms carry an empty expected decision.
    assert 'name="expected" value=""' in member.get(url).content.decode()
    assert 'name="expected" value=""' in president.get(url).content.decode()
    won = _post_decision(member, session, failing_reg, "not_admissible", None)
    assert "Décision enregistrée" in won.content.decode()
    lost = _post_decision(president, session, failing_reg, "excused", None)
    body = lost.content.decode()
    assert "Un autre membre du jury a enregistré une décision entre-temps" in body
    assert "Non admissible" in body
    assert list(Decision.objects.values_list("outcome", "is_active")) == [("not_admissible", True)]
    # Having seen it, the president may now change it: the old decision stays, superseded.
    active = Decision.objects.get()
    changed = _post_decision(president, session, failing_reg, "excused", active.pk)
    assert "Décision enregistrée" in changed.content.decode()
    assert sorted(Decision.objects.values_list("outcome", "is_active")) == [
        ("excused", True),
        ("not_admissible", False),
    ]


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor == "sqlite", reason="row locks need PostgreSQL")
def test_two_threads_recording_at_once_lose_nothing(
    campaign, jury_president, jury_member, failing_reg
):
    session = jury(
        campaign,
        president=jury_president,
        members=[jury_member],
        status=DELIBERATING,
        registrations=[failing_reg],
    )
    barrier = threading.Barrier(2)
    outcomes: dict[str, str] = {}

    def decide(user, outcome):
        try:
            barrier.wait(timeout=10)
            _record(session, failing_reg, outcome, user, expected=None)
            outcomes[outcome] = "won"
        except ConcurrentUpdate:
            outcomes[outcome] = "conflict"
        finally:
            connection.close()

    threads = [
        threading.Thread(target=decide, args=(jury_member, "not_admissible")),
        threading.Thread(target=decide, args=(jury_president, "excused")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes.values()) == ["conflict", "won"]
    winner = next(outcome for outcome, result in outcomes.items() if result == "won")
    assert list(Decision.objects.values_list("outcome", "is_active")) == [(winner, True)]


def test_only_the_president_closes_once_everyone_is_decided(
    session, admissible_reg, failing_reg, jury_member, jury_president
):
    with listening(DECISION_RECORDED) as recorded, listening(JURY_SESSION_CLOSED) as closing:
        first = _record(session, admissible_reg, "admissible", jury_member)
        with pytest.raises(DomainError, match="Sans décision"):
            jury_session_close(session=session, by=jury_president, today=session.date)
        second = _record(session, failing_reg, "not_admissible", jury_member)
        with pytest.raises(DomainError, match="Seul le président"):
            jury_session_close(session=session, by=jury_member)
        session.refresh_from_db()
        assert session.status == "deliberating"
        assert closing == []
        closed = jury_session_close(session=session, by=jury_president, today=session.date)
    assert (closed.status, closed.closed_by) == ("closed", jury_president)
    assert recorded == [
        {"decision": first, "by": jury_member},
        {"decision": second, "by": jury_member},
    ]
    assert [(p["session"].status, set(p["decisions"]), p["by"]) for p in closing] == [
        ("closed", {first, second}, jury_president)
    ]
    admissible_reg.refresh_from_db()
    failing_reg.refresh_from_db()
    assert (admissible_reg.stage, failing_reg.stage) == ("admissible", "not_admissible")
    kept = CapacityResult.objects.filter(sheet__registration=failing_reg, outcome="acquired")
    assert set(kept.values_list("valid_until", flat=True)) == {datetime.date(2029, 5, 15)}
    assert not CapacityResult.objects.filter(
        sheet__registration=admissible_reg, valid_until__isnull=False
    ).exists()
    with pytest.raises(DomainError, match="rectification"):
        _record(session, failing_reg, "excused", jury_member, expected=None)


@pytest.fixture
def closed_session(session, admissible_reg, failing_reg, jury_member, jury_president):
    _record(session, admissible_reg, "admissible", jury_member)
    _record(session, failing_reg, "not_admissible", jury_member)
    return jury_session_close(session=session, by=jury_president, today=session.date)


def test_only_the_president_amends_with_a_reason_and_both_remain(
    closed_session,
    admissible_reg,
    jury_member,
    jury_president,
    django_capture_on_commit_callbacks,
):
    decision = Decision.objects.get(registration=admissible_reg)
    with pytest.raises(DomainError, match="Seul le président"):
        jury_decision_amend(decision=decision, outcome="absent", reason="Erreur", by=jury_member)
    with pytest.raises(DomainError, match="motif de la rectification est obligatoire"):
        jury_decision_amend(decision=decision, outcome="absent", reason="  ", by=jury_president)
    received = []

    def listener(*, old, new, by):
        received.append((old.pk, new.pk, by))

    on_hook(DECISION_AMENDED, listener, uid="tests.listener")
    try:
        with django_capture_on_commit_callbacks(execute=True):
            new = jury_decision_amend(
                decision=decision,
                outcome="absent",
                reason="Le candidat n'était pas présent à l'entretien.",
                by=jury_president,
            )
    finally:
        registry.reactions[DECISION_AMENDED].pop("tests.listener")
    decision.refresh_from_db()
    assert (decision.is_active, new.is_active, new.supersedes) == (False, True, decision)
    assert received == [(decision.pk, new.pk, jury_president)]
    admissible_reg.refresh_from_db()
    assert admissible_reg.stage == "not_admissible"
    kept = CapacityResult.objects.filter(sheet__registration=admissible_reg)
    assert set(kept.values_list("valid_until", flat=True)) == {datetime.date(2029, 5, 15)}
    with pytest.raises(ConcurrentUpdate, match="déjà été rectifiée"):
        jury_decision_amend(decision=decision, outcome="excused", reason="x", by=jury_president)


def test_it_refuses_an_amendment_to_admissible_without_every_capacity(
    closed_session, failing_reg, jury_president
):
    decision = Decision.objects.get(registration=failing_reg)
    with pytest.raises(DomainError, match="seules 2 capacités sur 3"):
        jury_decision_amend(
            decision=decision, outcome="admissible", reason="Recours", by=jury_president
        )
    assert Decision.objects.filter(registration=failing_reg).count() == 1


def test_it_refuses_an_amendment_before_closing(
    session, admissible_reg, jury_member, jury_president
):
    decision = _record(session, admissible_reg, "admissible", jury_member)
    with pytest.raises(DomainError, match="après la clôture"):
        jury_decision_amend(decision=decision, outcome="absent", reason="x", by=jury_president)


def test_the_pages_show_both_decisions_after_an_amendment(
    client_for, closed_session, admissible_reg, jury_president, jury_member
):
    decision = Decision.objects.get(registration=admissible_reg)
    url = reverse("deliberations:decision_amend", args=[decision.pk])
    assert client_for(jury_member).get(url).status_code == 404
    client = client_for(jury_president)
    response = client.post(url, {"outcome": "absent", "reason": ""})
    assert "Ce champ est obligatoire." in response.content.decode()
    confirm = client.post(url, {"outcome": "absent", "reason": "Erreur de saisie"})
    assert "Confirmer la rectification" in confirm.content.decode()
    assert Decision.objects.filter(registration=admissible_reg).count() == 1  # not confirmed
    response = client.post(
        url, {"outcome": "absent", "reason": "Erreur de saisie", "confirm": "1"}, follow=True
    )
    body = response.content.decode()
    assert "La décision est rectifiée" in body
    assert "Décisions remplacées" in body and "Erreur de saisie" in body
    assert Decision.objects.filter(registration=admissible_reg).count() == 2


def test_the_deliberation_page_proposes_the_decision(
    client_for, session, admissible_reg, failing_reg, staff_a
):
    body = (
        client_for(staff_a)
        .get(reverse("deliberations:jury_deliberation", args=[session.pk]))
        .content.decode()
    )
    assert "3 / 3" in body and "2 / 3" in body
    assert "Consultation seule." in body
    assert 'name="outcome"' not in body  # staff read only


def test_the_close_button_answers_with_a_message(client_for, session, jury_member, jury_president):
    url = reverse("deliberations:jury_close", args=[session.pk])
    response = client_for(jury_member).post(url, {"confirm": "1"}, follow=True)
    assert "Seul le président du jury peut clore la session." in response.content.decode()
    page = html.unescape(client_for(jury_president).post(url).content.decode())
    assert "aucune décision." in page  # the confirmation names the candidates without one
    assert "Confirmer la clôture" not in page
    response = client_for(jury_president).post(url, {"confirm": "1"})  # refused all the same
    assert response.status_code == 400 and "aucune décision." in response.content.decode()
    session.refresh_from_db()
    assert session.status == "deliberating"


def test_a_withdrawn_candidate_gets_no_decision_and_does_not_block_closing(
    session, admissible_reg, failing_reg, jury_member, jury_president
):
    registration_withdraw(registration=failing_reg, reason="Départ de l'entreprise", by=None)
    failing_reg.refresh_from_db()
    with pytest.raises(DomainError, match="désinscrit"):
        _record(session, failing_reg, "absent", jury_member)
    _record(session, admissible_reg, "admissible", jury_member)
    closed = jury_session_close(session=session, by=jury_president, today=session.date)
    assert closed.status == "closed"
    failing_reg.refresh_from_db()
    assert failing_reg.stage == "withdrawn"

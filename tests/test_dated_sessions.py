"""The one core of dated sessions (candidates.sessions) holds its rules for both kinds: a
commission session and a jury session are refused the same way (French message, nothing
written), and their convoked candidates are told once of a cancellation and convoked again
once on a new date. Each test runs for both kinds: a rule broken for either fails here."""

import datetime
import html
from dataclasses import dataclass
from typing import Any

import pytest
from django.core import mail
from django.urls import reverse

from candidates.models import Campaign, Registration
from cqpm.core.errors import DomainError
from cqpm.core.models import AuditEntry, OutgoingMail
from deliberations.models import JurySession
from deliberations.services import jury_session_cancel, jury_session_edit
from deliberations.services.juries import jury_session_reschedule
from documents import tasks
from documents.convocations import convocation_send
from documents.models import Convocation
from evaluations.models import CommissionSession
from evaluations.services.commissions import (
    commission_assign,
    commission_session_cancel,
    commission_session_create,
    commission_session_edit,
    commission_session_reschedule,
)
from tests.factories.candidates import CampaignFactory, CandidateFactory, RegistrationFactory
from tests.factories.deliberations import jury

pytestmark = pytest.mark.django_db
D = datetime.date


@dataclass(frozen=True)
class Kind:
    name: str
    convocation: str
    model: type
    # A date the campaign's window refuses (factory calendar: commissions end on 30/04/2027),
    # and the French words of the refusal.
    outside: datetime.date
    refusal: str
    # A date the window takes.
    inside: datetime.date
    started: str

    def plan(self, campaign, staff, president, registrations) -> Any:
        if self.name == "commission":
            session = commission_session_create(
                campaign=campaign, date=D(2027, 4, 10), place="Lyon, salle 3", by=staff
            )
            for registration in registrations:
                commission_assign(session=session, registration=registration, by=staff)
            return session
        for registration in registrations:
            Registration.objects.filter(pk=registration.pk).update(
                stage=Registration.Stage.COMMISSION
            )
            registration.refresh_from_db()
        return jury(campaign, president=president, registrations=registrations)

    def edit(self, session, date, by, place="Salle B", start_time=None):
        edit = commission_session_edit if self.name == "commission" else jury_session_edit
        return edit(session=session, date=date, place=place, start_time=start_time, by=by)

    def reschedule(self, session, date, by):
        if self.name == "commission":
            return commission_session_reschedule(session=session, date=date, by=by)
        return jury_session_reschedule(session=session, date=date, by=by)

    def cancel(self, session, reason, by):
        cancel = commission_session_cancel if self.name == "commission" else jury_session_cancel
        return cancel(session=session, reason=reason, by=by)

    def is_cancelled(self, session) -> bool:
        return self.model.objects.get(pk=session.pk).is_cancelled


KINDS = [
    Kind(
        name="commission",
        convocation="interview",
        model=CommissionSession,
        outside=D(2027, 5, 3),
        refusal="au plus tard le 30/04/2027",
        inside=D(2027, 4, 20),
        started="Cette commission a commencé",
    ),
    Kind(
        name="jury",
        convocation="jury",
        model=JurySession,
        outside=D(2027, 4, 20),
        refusal="après la fin des commissions d'évaluation de la campagne (30/04/2027)",
        inside=D(2027, 5, 20),
        started="Ce jury a commencé",
    ),
]


@pytest.fixture(params=KINDS, ids=[k.name for k in KINDS])
def kind(request) -> Kind:
    return request.param


@pytest.fixture
def campaign(centre_a):
    return CampaignFactory(centre=centre_a, status=Campaign.Status.IN_PROGRESS)


@pytest.fixture
def convoked(campaign, tutor):
    return RegistrationFactory(
        campaign=campaign, tutor=tutor, candidate=CandidateFactory(email="jeanne@exemple.fr")
    )


@pytest.fixture
def run_tasks_locally(monkeypatch):
    monkeypatch.setattr(
        tasks.send_convocation, "apply_async", lambda args: tasks.send_convocation.apply(args)
    )


def _written() -> tuple[int, int]:
    return AuditEntry.objects.count(), OutgoingMail.objects.count()


def _convoke(registration, kind, staff, capture):
    with capture(execute=True):
        convocation_send(registration=registration, kind=kind.convocation, by=staff)
    assert len(mail.outbox) == 1
    mail.outbox.clear()


def test_a_date_outside_the_campaigns_window_is_refused_in_french_and_writes_nothing(
    kind, campaign, staff_a, jury_president, django_capture_on_commit_callbacks
):
    session = kind.plan(campaign, staff_a, jury_president, [])
    before = _written()
    with django_capture_on_commit_callbacks(execute=True):
        for change in (
            lambda: kind.edit(session, kind.outside, staff_a),
            lambda: kind.reschedule(session, kind.outside, staff_a),
        ):
            with pytest.raises(DomainError) as refused:
                change()
            assert kind.refusal in refused.value.message
            assert refused.value.field == "date"
    assert _written() == before
    session.refresh_from_db()
    assert (session.date, session.place) != (kind.outside, "Salle B")
    assert not mail.outbox


def test_a_day_already_gone_is_refused_and_so_is_a_session_that_has_started(
    kind, campaign, staff_a, jury_president
):
    session = kind.plan(campaign, staff_a, jury_president, [])
    before = _written()
    with pytest.raises(DomainError, match="date passée") as refused:
        kind.edit(session, D(2026, 10, 1), staff_a)
    assert refused.value.field == "date"
    with pytest.raises(DomainError, match="date passée"):
        kind.reschedule(session, D(2026, 10, 1), staff_a)
    # Its day came: neither edited nor cancelled.
    kind.model.objects.filter(pk=session.pk).update(date=D(2026, 10, 1))
    with pytest.raises(DomainError, match=kind.started):
        kind.edit(session, kind.inside, staff_a)
    with pytest.raises(DomainError, match=kind.started):
        kind.cancel(session, "Trop tard", staff_a)
    assert _written() == before
    assert not kind.is_cancelled(session)


def test_a_place_left_empty_or_a_reason_missing_is_refused_on_its_field(
    kind, campaign, staff_a, jury_president
):
    session = kind.plan(campaign, staff_a, jury_president, [])
    before = _written()
    with pytest.raises(DomainError, match="Indiquez le lieu") as refused:
        kind.edit(session, kind.inside, staff_a, place="   ")
    assert refused.value.field == "place"
    with pytest.raises(DomainError, match="motif") as refused:
        kind.cancel(session, "  ", staff_a)
    assert refused.value.field == "reason"
    assert _written() == before


def test_cancelling_after_a_convocation_tells_the_convoked_once_after_the_commit(
    kind, campaign, staff_a, jury_president, convoked, django_capture_on_commit_callbacks
):
    never_convoked = RegistrationFactory(campaign=campaign)
    session = kind.plan(campaign, staff_a, jury_president, [convoked, never_convoked])
    _convoke(convoked, kind, staff_a, django_capture_on_commit_callbacks)

    with django_capture_on_commit_callbacks() as callbacks:
        assert kind.cancel(session, "Salle inondée", staff_a) == 2
        assert not mail.outbox  # nothing leaves before the commit
    for callback in callbacks:
        callback()
    to_candidate = [m for m in mail.outbox if m.to == ["jeanne@exemple.fr"]]
    (message,) = to_candidate
    assert "Annulation de votre convocation" in message.subject
    assert "Salle inondée" in message.body and "ne vous présentez pas" in message.body
    assert {tuple(m.to) for m in mail.outbox} == {("jeanne@exemple.fr",), ("tuteur@exemple.fr",)}
    assert len(mail.outbox) == 2  # the candidate and their tutor, nobody else
    (entry,) = AuditEntry.objects.filter(action="cqpm.convocation.cancelled")
    assert entry.registration_id == convoked.pk and entry.data["reason"] == "Salle inondée"
    assert kind.is_cancelled(session)
    # A cancelled session is not cancelled again: nobody is told twice.
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(DomainError):
        kind.cancel(session, "Encore", staff_a)
    assert not mail.outbox


def test_a_refused_cancellation_tells_nobody(
    kind, campaign, staff_a, staff_b, jury_president, convoked, django_capture_on_commit_callbacks
):
    session = kind.plan(campaign, staff_a, jury_president, [convoked])
    _convoke(convoked, kind, staff_a, django_capture_on_commit_callbacks)
    before = _written()
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(DomainError):
        kind.cancel(session, "Pas mon centre", staff_b)
    assert _written() == before and not mail.outbox
    assert not kind.is_cancelled(session)


def test_rescheduling_sends_a_new_convocation_once(
    kind,
    campaign,
    staff_a,
    jury_president,
    convoked,
    run_tasks_locally,
    django_capture_on_commit_callbacks,
):
    session = kind.plan(campaign, staff_a, jury_president, [convoked])
    _convoke(convoked, kind, staff_a, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        kind.reschedule(session, kind.inside, staff_a)
    (message,) = mail.outbox
    assert "Nouvelle convocation" in message.subject
    assert message.to == ["jeanne@exemple.fr"]
    latest = Convocation.objects.filter(registration=convoked, kind=kind.convocation).first()
    assert latest.date == kind.inside
    assert AuditEntry.objects.filter(action=f"cqpm.{kind.name}.session.rescheduled").count() == 1
    # The same task delivered twice sends nothing more.
    mail.outbox.clear()
    tasks.send_convocation(convoked.pk, kind.convocation, staff_a.pk)
    assert not mail.outbox


def test_the_twin_pages_edit_and_cancel_both_kinds(
    kind, campaign, staff_a, jury_president, client_for
):
    session = kind.plan(campaign, staff_a, jury_president, [RegistrationFactory(campaign=campaign)])
    if kind.name == "commission":
        edit_url = reverse("evaluations:session_reschedule", args=[campaign.pk, session.pk])
        cancel_url = reverse("evaluations:session_cancel", args=[campaign.pk, session.pk])
    else:
        edit_url = reverse("deliberations:jury_reschedule", args=[session.pk])
        cancel_url = reverse("deliberations:jury_cancel", args=[session.pk])
    client = client_for(staff_a)
    refused = client.post(edit_url, {"date": kind.outside.isoformat(), "place": "Grenoble"})
    assert refused.status_code == 200
    assert kind.refusal in html.unescape(refused.content.decode())
    done = client.post(edit_url, {"date": kind.inside.isoformat(), "place": "Grenoble"})
    assert done.status_code == 302
    session.refresh_from_db()
    assert (session.date, session.place) == (kind.inside, "Grenoble")

    page = client.get(cancel_url).content.decode()
    assert "Cette action est définitive." in page and "1 candidat sera retiré" in page
    assert client.post(cancel_url, {"reason": ""}).status_code == 200
    assert not kind.is_cancelled(session)
    assert client.post(cancel_url, {"reason": "Intempéries"}).status_code == 302
    assert kind.is_cancelled(session)
    page = client.get(cancel_url).content.decode()
    assert "Intempéries" in page and "annulé" in page

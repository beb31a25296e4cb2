"""Daily reminders: due within 7 days or late, never twice for the same deadline and kind."""

import datetime

import pytest
from django.core import mail
from django.test import TestCase

from candidates.models import Campaign
from evaluations.models import CompanyOpinion, OpinionReminder
from evaluations.services import opinions
from evaluations.tasks import send_opinion_reminders
from tests.factories.evaluations import OpinionFactory

pytestmark = pytest.mark.django_db
DEADLINE = datetime.date(2027, 3, 15)  # CampaignFactory.opinion_deadline


def opinion_reminders_send(**kwargs):
    # Mail leaves the outbox after the commit (cqpm.core.mail): commit as the worker would.
    with TestCase.captureOnCommitCallbacks(execute=True):
        return opinions.opinion_reminders_send(**kwargs)


@pytest.fixture
def opinion(registration_a, tutor):
    return OpinionFactory(registration=registration_a, respondent=tutor)


def test_it_sends_nothing_long_before_the_deadline(opinion):
    assert opinion_reminders_send(today=DEADLINE - datetime.timedelta(days=8)) == 0
    assert mail.outbox == []


def test_it_reminds_once_when_due_within_seven_days(opinion):
    assert opinion_reminders_send(today=DEADLINE - datetime.timedelta(days=7)) == 1
    assert opinion_reminders_send(today=DEADLINE - datetime.timedelta(days=6)) == 0
    assert opinion_reminders_send(today=DEADLINE) == 0
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["tuteur@exemple.fr"]
    assert "Rappel" in message.subject and "15/03/2027" in message.subject
    assert "avant le 15/03/2027" in message.body
    assert "15/03/2027" in message.alternatives[0][0]
    assert message.alternatives[0][1] == "text/html"
    assert f"/avis/{opinion.pk}/" in message.body


def test_it_sends_one_late_reminder_after_the_deadline(opinion):
    opinion_reminders_send(today=DEADLINE - datetime.timedelta(days=3))
    assert opinion_reminders_send(today=DEADLINE + datetime.timedelta(days=1)) == 1
    assert opinion_reminders_send(today=DEADLINE + datetime.timedelta(days=2)) == 0
    assert len(mail.outbox) == 2
    assert "en retard" in mail.outbox[1].subject.lower()
    kinds = set(OpinionReminder.objects.values_list("kind", flat=True))
    assert kinds == {"due_soon", "late"}


def test_it_reminds_again_when_the_deadline_moves(opinion, campaign_a):
    opinion_reminders_send(today=DEADLINE - datetime.timedelta(days=2))
    Campaign.objects.filter(pk=campaign_a.pk).update(opinion_deadline=datetime.date(2027, 3, 20))
    assert opinion_reminders_send(today=DEADLINE - datetime.timedelta(days=1)) == 1
    assert OpinionReminder.objects.count() == 2


def test_it_skips_submitted_opinions_and_closed_campaigns(opinion, campaign_a):
    CompanyOpinion.objects.filter(pk=opinion.pk).update(status=CompanyOpinion.Status.SUBMITTED)
    assert opinion_reminders_send(today=DEADLINE) == 0
    CompanyOpinion.objects.filter(pk=opinion.pk).update(status=CompanyOpinion.Status.DRAFT)
    Campaign.objects.filter(pk=campaign_a.pk).update(status=Campaign.Status.CANCELLED)
    assert opinion_reminders_send(today=DEADLINE) == 0
    assert mail.outbox == []


@pytest.mark.parametrize("status", [Campaign.Status.OPEN, Campaign.Status.JURY])
def test_it_reminds_only_while_the_respondent_may_answer(opinion, campaign_a, status):
    """The opinion form opens with the evaluations (candidates/lifecycle.py): no reminder before
    the tutor can answer, nor once the campaign is at the jury."""
    Campaign.objects.filter(pk=campaign_a.pk).update(status=status)
    assert opinion_reminders_send(today=DEADLINE) == 0
    assert mail.outbox == []


def test_it_runs_the_task_twice_without_a_second_mail(opinion, settings):
    # The task uses today's date: put the deadline in the reminder window.
    from django.utils import timezone

    Campaign.objects.filter(pk=opinion.registration.campaign_id).update(
        opinion_deadline=timezone.localdate() + datetime.timedelta(days=2)
    )
    assert send_opinion_reminders.name == "evaluations.tasks.send_opinion_reminders"
    with TestCase.captureOnCommitCallbacks(execute=True):
        assert send_opinion_reminders.apply().get() == 1
        assert send_opinion_reminders.apply().get() == 0
    assert len(mail.outbox) == 1
    schedule = settings.CELERY_BEAT_SCHEDULE["opinion-reminders"]
    assert schedule["task"] == send_opinion_reminders.name

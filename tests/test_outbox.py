"""The one outbox (cqpm.core.mail): mail written in the transaction, sent after the commit, once
per message, and resumed by the periodic flush when sending failed."""

import datetime

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone

from cqpm.core import mail as outbox
from cqpm.core.models import OutgoingMail
from cqpm.core.tasks import send_pending_mail

pytestmark = pytest.mark.django_db


def _queue(**extra):
    return outbox.mail_queue(to=["lea@exemple.fr"], subject="Objet", body="Bonjour", **extra)


def test_it_sends_nothing_before_the_commit_and_once_after(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        queued = _queue(
            cc=["tuteur@exemple.fr"], attachments=[("a.pdf", b"%PDF", "application/pdf")]
        )
        assert mail.outbox == []
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["lea@exemple.fr"] and message.cc == ["tuteur@exemple.fr"]
    assert message.attachments == [("a.pdf", b"%PDF", "application/pdf")]
    queued.refresh_from_db()
    assert queued.sent_at is not None and queued.attempts == 1
    # Delivered again (a duplicate message, the flush): nothing more is sent.
    assert not outbox.mail_deliver(mail_id=queued.pk)
    assert outbox.mail_flush(now=timezone.now() + datetime.timedelta(hours=1))["sent"] == []
    assert len(mail.outbox) == 1


def test_a_change_rolled_back_sends_nothing(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                _queue()
                raise RuntimeError("undone")
        except RuntimeError:
            pass
    assert mail.outbox == [] and not OutgoingMail.objects.exists()


def test_a_failed_sending_is_resumed_by_the_flush(monkeypatch, django_capture_on_commit_callbacks):
    def refuse(self, fail_silently=False):
        raise ConnectionRefusedError("SMTP down")

    with monkeypatch.context() as patched:
        patched.setattr("django.core.mail.EmailMultiAlternatives.send", refuse)
        with django_capture_on_commit_callbacks(execute=True):
            queued = _queue()
    queued.refresh_from_db()
    assert queued.sent_at is None and queued.attempts == 1 and "SMTP down" in queued.last_error
    assert mail.outbox == []
    # Just queued: the flush leaves it to its own delivery; a minute later it sends it, once.
    assert outbox.mail_flush()["sent"] == []
    later = timezone.now() + datetime.timedelta(minutes=1)
    assert outbox.mail_flush(now=later)["sent"] == [queued.pk]
    assert outbox.mail_flush(now=later)["sent"] == []
    assert len(mail.outbox) == 1


def test_a_message_failing_for_ever_is_given_up(monkeypatch):
    queued = _queue()
    OutgoingMail.objects.filter(pk=queued.pk).update(attempts=OutgoingMail.MAX_ATTEMPTS)
    assert not outbox.mail_deliver(mail_id=queued.pk)
    assert mail.outbox == []


def test_templated_mail_is_one_message_per_address(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        outbox.send_templated(
            template="transmissions/email/pack_reminder",
            to=["a@exemple.fr", "b@exemple.fr"],
            subject="Rappel",
            context={"pack": None, "days": 3, "url": "http://x/"},
        )
    assert [m.to for m in mail.outbox] == [["a@exemple.fr"], ["b@exemple.fr"]]
    assert all(m.alternatives[0][1] == "text/html" for m in mail.outbox)


def test_the_beat_flushes_the_outbox(settings):
    assert settings.CELERY_BEAT_SCHEDULE["mail-flush"]["task"] == send_pending_mail.name
    assert send_pending_mail.apply().get() == {"sent": [], "failed": []}

"""A pack built with the unsigned minutes is outdated when the jury's signed, sealed minutes
replace them: prepared again before the sending, « à renvoyer » after it; a pack built after
the signatures is left alone."""

import datetime

import pytest
import time_machine
from django.db import transaction
from django.utils import timezone

from cqpm.core.models import AuditEntry
from documents.models import Document
from transmissions.models import TransmissionPack
from transmissions.services import pack_record_sending
from transmissions.services.packs import on_document_ready
from transmissions.tasks import build_pack

from .conftest import PARIS, generate_all

pytestmark = pytest.mark.django_db
Status = TransmissionPack.Status


@pytest.fixture(autouse=True)
def in_june_2027():
    with time_machine.travel(datetime.datetime(2027, 6, 10, 10, 0, tzinfo=PARIS), tick=True):
        yield


def _built(closed):
    build_pack(closed.pack.pk)
    generate_all(closed.session)
    assert build_pack(closed.pack.pk) == "built"
    closed.pack.refresh_from_db()
    return closed.pack


def _signed(session) -> Document:
    """What the last signature leaves once the worker sealed the minutes again."""
    minutes = Document.objects.get(jury_session=session, kind=Document.Kind.JURY_MINUTES)
    Document.objects.filter(pk=minutes.pk).update(signed_at=timezone.now())
    minutes.refresh_from_db()
    with transaction.atomic():
        on_document_ready(document=minutes)
    return minutes


def test_a_ready_pack_with_unsigned_minutes_is_prepared_again(closed):
    pack = _built(closed)
    assert pack.status == Status.READY
    _signed(closed.session)
    pack.refresh_from_db()
    assert (pack.status, pack.outdated) == (Status.TO_PREPARE, True)
    entry = AuditEntry.objects.get(action="cqpm.transmissions.pack.minutes_signed")
    assert entry.data["after"] == Status.TO_PREPARE
    assert build_pack(pack.pk) == "built"
    pack.refresh_from_db()
    assert (pack.status, pack.outdated, pack.version) == (Status.READY, False, 2)
    # The signed minutes ready again: the pack built after them holds them already.
    _signed_again = Document.objects.get(jury_session=closed.session, kind="jury_minutes")
    with transaction.atomic():
        on_document_ready(document=_signed_again)
    pack.refresh_from_db()
    assert (pack.status, pack.outdated) == (Status.READY, False)
    assert AuditEntry.objects.filter(action="cqpm.transmissions.pack.minutes_signed").count() == 1


def test_a_sent_pack_with_unsigned_minutes_is_to_send_again(closed, staff_a):
    pack = _built(closed)
    pack_record_sending(
        pack=pack, sent_on=datetime.date(2027, 6, 10), channel="platform", by=staff_a
    )
    _signed(closed.session)
    pack.refresh_from_db()
    assert (pack.status, pack.outdated) == (Status.TO_RESEND, True)

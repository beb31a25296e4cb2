"""Capitalisation over time: the holder and the centre are told once, two months before acquired
capacities lapse; lapsed capacities never carry over and read « expirée le … » where shown."""

import datetime
import html

import pytest
import time_machine
from django.test import TestCase
from django.urls import reverse

from cqpm.core.models import AuditEntry
from deliberations.models import CapacityResult
from deliberations.services import carry_over_for
from transmissions.models import ExpiryNotice
from transmissions.tasks import send_expiry_notices

from ..factories.candidates import CampaignFactory, RegistrationFactory
from .conftest import PARIS

pytestmark = pytest.mark.django_db
END = datetime.date(2029, 5, 15)  # the jury of 15/05/2027 + 24 months


def _on(day: datetime.date):
    moment = datetime.datetime.combine(day, datetime.time(8, 0), PARIS)
    return time_machine.travel(moment, tick=False)


def _twice(day):
    # Mail leaves the outbox after the commit (cqpm.core.mail): commit as the worker would.
    with _on(day), TestCase.captureOnCommitCallbacks(execute=True):
        return send_expiry_notices(), send_expiry_notices()


def test_it_tells_the_holder_and_the_centre_once_two_months_before(closed, staff_a, mailoutbox):
    bob = closed.bob.candidate
    acquired = CapacityResult.objects.filter(sheet__registration=closed.bob, outcome="acquired")
    assert {r.valid_until for r in acquired} == {END}
    assert _twice(datetime.date(2029, 3, 14)) == (0, 0)
    assert _twice(datetime.date(2029, 3, 15)) == (2, 0)  # capacities 1 and 3, one e-mail each
    assert sorted(m.to[0] for m in mailoutbox) == sorted([bob.email, staff_a.email])
    holder = next(m for m in mailoutbox if m.to == [bob.email])
    assert "expirent le 15/05/2029" in holder.subject
    assert "restent acquises jusqu'au 15/05/2029" in holder.body
    staff = next(m for m in mailoutbox if m.to == [staff_a.email])
    assert staff.subject.endswith(f"Capacités de {bob} expirant le 15/05/2029")
    entry = AuditEntry.objects.get(action="cqpm.transmissions.capacities.expiry_notified")
    assert entry.data == {"capacities": [1, 3], "valid_until": "2029-05-15", "holder": True}
    assert _twice(datetime.date(2029, 4, 1)) == (0, 0)
    assert len(mailoutbox) == 2
    assert ExpiryNotice.objects.count() == 2
    # The admissible candidate keeps nothing that lapses: never told.
    assert not ExpiryNotice.objects.filter(result__sheet__registration=closed.alice).exists()


def test_lapsed_capacities_never_carry_over_and_read_expired(closed, centre_a, staff_a, client_for):
    # Later campaigns of the same CQPM whose commission began while they were still valid.
    later, other = (
        CampaignFactory(
            centre=centre_a,
            referential=closed.campaign.referential,
            commission_starts=datetime.date(2029, 5, 1),
            commission_ends=datetime.date(2029, 6, 1),
            jury_date=datetime.date(2029, 6, 20),
        )
        for _ in range(2)
    )
    with _on(END):  # the last valid day: still carried over
        kept = carry_over_for(
            registration=RegistrationFactory(campaign=other, candidate=closed.bob.candidate)
        )
    assert [r.capacity.number for r in kept] == [1, 3]
    with _on(END + datetime.timedelta(days=1)):
        lapsed = carry_over_for(
            registration=RegistrationFactory(campaign=later, candidate=closed.bob.candidate)
        )
        assert lapsed == []
        page = client_for(staff_a).get(
            reverse("candidates:registration_detail", args=[closed.bob.pk])
        )
        text = html.unescape(page.content.decode())
        assert "expirée le 15/05/2029" in text and "valable jusqu'au 15/05/2029" not in text
        evaluation = client_for(staff_a).get(
            reverse("deliberations:evaluation", args=[kept[0].sheet.registration_id])
        )
        assert "expirée le 15/05/2029" in html.unescape(evaluation.content.decode())
    with _on(END):
        page = client_for(staff_a).get(
            reverse("candidates:registration_detail", args=[closed.bob.pk])
        )
        text = html.unescape(page.content.decode())
        assert "valable jusqu'au 15/05/2029" in text and "expirée" not in text

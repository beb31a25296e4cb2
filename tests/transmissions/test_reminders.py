"""Reminders a month and a week before the GTP due date, once each (the clock frozen and moved
across the thresholds, the daily task run twice), overdue packs on the staff home, and the
tracker out of reach of anyone but the centre's staff."""

import datetime

import pytest
import time_machine
from django.test import TestCase
from django.urls import reverse

from deliberations.models import JurySession
from transmissions.models import PackReminder, TransmissionPack
from transmissions.tasks import send_pack_reminders

from ..factories.candidates import CampaignFactory
from ..factories.documents import jury_session
from .conftest import DUE, JURY_DATE, PARIS

pytestmark = pytest.mark.django_db


@pytest.fixture
def pack(centre_a, staff_a):
    campaign = CampaignFactory(centre=centre_a, name="Campagne du rappel")
    session = jury_session(campaign=campaign, date=JURY_DATE, status=JurySession.Status.CLOSED)
    return TransmissionPack.objects.create(session=session, due_on=DUE)


def _on(day: datetime.date):
    return time_machine.travel(
        datetime.datetime.combine(day, datetime.time(7, 45), PARIS), tick=False
    )


def _run_twice(day):
    # Mail leaves the outbox after the commit (cqpm.core.mail): commit as the worker would.
    with _on(day), TestCase.captureOnCommitCallbacks(execute=True):
        first = send_pack_reminders()["reminders"]
        second = send_pack_reminders()["reminders"]
    return first, second


def test_it_reminds_a_month_then_a_week_before_once_each(pack, staff_a, staff_b, mailoutbox):
    assert _run_twice(datetime.date(2027, 7, 14)) == (0, 0)
    assert _run_twice(datetime.date(2027, 7, 15)) == (1, 0)  # a month before 15/08
    assert [m.to for m in mailoutbox] == [[staff_a.email]]  # not centre B's staff
    assert "avant le 15/08/2027" in mailoutbox[0].subject
    assert "dans 31 jours" in mailoutbox[0].body
    assert _run_twice(datetime.date(2027, 7, 20)) == (0, 0)
    assert _run_twice(datetime.date(2027, 8, 8)) == (1, 0)  # a week before
    assert _run_twice(datetime.date(2027, 8, 14)) == (0, 0)
    assert _run_twice(datetime.date(2027, 8, 16)) == (0, 0)  # overdue: the home page says it
    assert len(mailoutbox) == 2
    assert sorted(PackReminder.objects.values_list("kind", flat=True)) == ["month", "week"]


def test_a_sent_pack_is_not_reminded(pack, mailoutbox):
    TransmissionPack.objects.filter(pk=pack.pk).update(status=TransmissionPack.Status.SENT)
    assert _run_twice(datetime.date(2027, 8, 8)) == (0, 0)
    assert mailoutbox == []


def test_overdue_packs_show_on_the_staff_home_only(pack, staff_a, staff_b, tutor, client_for):
    tracker = reverse("transmissions:tracker", args=[pack.session_id])
    with _on(datetime.date(2027, 8, 15)):
        assert tracker not in client_for(staff_a).get("/").content.decode()
    with _on(datetime.date(2027, 8, 16)):
        home = client_for(staff_a).get("/").content.decode()
        assert "Transmission au GTP en retard" in home and tracker in home
        for other in (staff_b, tutor):
            assert "en retard" not in client_for(other).get("/").content.decode()
    TransmissionPack.objects.filter(pk=pack.pk).update(status=TransmissionPack.Status.SENT)
    with _on(datetime.date(2027, 8, 16)):
        assert tracker not in client_for(staff_a).get("/").content.decode()


def test_the_tracker_answers_404_outside_the_centres_staff(
    pack, staff_a, staff_b, tutor, client_for
):
    session = pack.session_id
    pages = [
        reverse("transmissions:tracker", args=[session]),
        reverse("transmissions:download", args=[session]),
        reverse("transmissions:tracker_list"),
    ]
    posts = [
        reverse("transmissions:prepare", args=[session]),
        reverse("transmissions:rebuild", args=[session]),
        reverse("transmissions:tracker", args=[session]),
    ]
    for user in (staff_b, tutor):
        client = client_for(user)
        if user == staff_b:
            pages = pages[:2]  # centre B's staff have their own (empty) list
        assert [client.get(url).status_code for url in pages] == [404] * len(pages)
        assert [client.post(url, {}).status_code for url in posts] == [404] * 3
    assert client_for(staff_a).get(pages[0]).status_code == 200
    # Nothing built yet: no archive to download, for its own staff too.
    assert client_for(staff_a).get(pages[1]).status_code == 404
    listing = client_for(staff_b).get(reverse("transmissions:tracker_list")).content.decode()
    assert "Campagne du rappel" not in listing

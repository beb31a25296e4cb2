"""The demo seeder builds the transmission pack of every closed demo jury, once; the tracker
shows it with its due date, and the staff home once it is overdue."""

import datetime
from types import SimpleNamespace

import pytest
import time_machine
from django.urls import reverse

from cqpm.core.models import AuditEntry
from transmissions.demo import seed
from transmissions.models import TransmissionPack

from .conftest import PARIS

pytestmark = pytest.mark.django_db


def test_it_builds_the_closed_jury_pack_once(closed, staff_a, centre_a, client_for):
    said: list[str] = []
    ctx = SimpleNamespace(
        campaigns=[closed.campaign], accounts={"staff": {centre_a.code: staff_a}}, say=said.append
    )
    assert closed.pack.status == TransmissionPack.Status.TO_PREPARE

    seed(ctx=ctx)
    seed(ctx=ctx)

    pack = TransmissionPack.objects.get()
    assert (pack.status, pack.version, pack.outdated) == (TransmissionPack.Status.READY, 1, False)
    assert pack.archive and len(pack.sha256) == 64
    assert AuditEntry.objects.filter(action="cqpm.transmissions.pack.built").count() == 1
    assert said == [
        f"Démo transmissions : dossier de « {closed.session} » "
        "(Prête, à transmettre avant le 15/08/2027)."
    ]
    client = client_for(staff_a)
    page = client.get(reverse("transmissions:tracker", args=[closed.session.pk]))
    assert "15/08/2027" in page.content.decode() and "Prête" in page.content.decode()
    with time_machine.travel(datetime.datetime(2027, 9, 1, 9, tzinfo=PARIS), tick=False):
        home = client_for(staff_a).get("/").content.decode()
    assert "Transmission au GTP en retard" in home
    assert reverse("transmissions:tracker", args=[closed.session.pk]) in home


def test_it_does_nothing_without_a_closed_jury(db):
    seed(ctx=SimpleNamespace(campaigns=[], accounts={}))
    assert not TransmissionPack.objects.exists()

"""Validated blocks of a CQPM registered in the RNCP (DESIGN.md §5.6): every capacity of a
block acquired gives the block 5 years from the jury date; it is shown wherever capacities'
validity is, its capacities carry over until its end, and its holder is told once, two months
before it lapses. Outside the RNCP nothing of the kind: the capacities' 24 months apply."""

import datetime
import html

import pytest
import time_machine
from django.test import TestCase
from django.urls import reverse

from cqpm.core.models import AuditEntry
from deliberations.models import BlockValidation
from deliberations.services import carry_over_for, jury_decision_amend
from documents.models import Document
from documents.rendering import document_html
from documents.services import document_generate, document_request
from transmissions.models import BlockExpiryNotice, ExpiryNotice
from transmissions.tasks import send_expiry_notices

from ..factories.candidates import CampaignFactory, RegistrationFactory
from ..factories.referentials import with_blocks
from .conftest import PARIS, close

pytestmark = pytest.mark.django_db
CAPACITY_END = datetime.date(2029, 5, 15)  # the jury of 15/05/2027 + 24 months
BLOCK_END = datetime.date(2032, 5, 15)  # + 5 years


def _on(day: datetime.date):
    return time_machine.travel(datetime.datetime.combine(day, datetime.time(8), PARIS), tick=False)


def _closed(deliberating, jury_president, *, rncp: bool):
    # Bob acquired capacities 1 and 3, not 2: block B1 (1) is whole, B2 (2, 3) is not.
    with_blocks(deliberating.campaign.referential, {"B1": [1], "B2": [2, 3]}, rncp=rncp)
    deliberating.pack = close(deliberating.session, jury_president)
    return deliberating


@pytest.fixture
def rncp(deliberating, jury_president):
    return _closed(deliberating, jury_president, rncp=True)


@pytest.fixture
def not_rncp(deliberating, jury_president):
    return _closed(deliberating, jury_president, rncp=False)


def _text(response) -> str:
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def _carry_on(day, closed, centre_a):
    later = CampaignFactory(
        centre=centre_a,
        referential=closed.campaign.referential,
        commission_starts=day + datetime.timedelta(days=30),
        commission_ends=day + datetime.timedelta(days=60),
        jury_date=day + datetime.timedelta(days=90),
    )
    with _on(day):
        return carry_over_for(
            registration=RegistrationFactory(campaign=later, candidate=closed.bob.candidate)
        )


def test_a_whole_block_is_valid_five_years_and_shown_with_the_capacities(
    rncp, staff_a, client_for, client
):
    (validation,) = BlockValidation.objects.filter(sheet__registration=rncp.bob)
    assert (validation.block.code, validation.valid_until) == ("B1", BLOCK_END)
    # The admissible candidate obtained the CQPM: no block to keep.
    assert not BlockValidation.objects.filter(sheet__registration=rncp.alice).exists()

    page = _text(
        client_for(staff_a).get(reverse("candidates:registration_detail", args=[rncp.bob.pk]))
    )
    assert "Blocs de compétences validés" in page
    assert "B1 — Bloc B1 — valable jusqu'au 15/05/2032" in page
    assert "B2 — Bloc B2" not in page

    notice = document_request(kind=Document.Kind.CAPACITY_NOTICE, registration=rncp.bob, by=staff_a)
    assert "B1 — Bloc B1</td><td>15/05/2032" in document_html(notice)
    assert "B2 — Bloc B2" not in document_html(notice)
    document_generate(document_id=notice.pk)
    verify = _text(client.get(reverse("documents:verify", args=[notice.verification_code])))
    assert "Bloc B1 validé" in verify and "valable jusqu'au 15/05/2032" in verify
    with _on(BLOCK_END + datetime.timedelta(days=1)):
        verify = _text(client.get(reverse("documents:verify", args=[notice.verification_code])))
    assert "expiré le 15/05/2032 : il n'est plus reporté." in verify


def test_a_capacity_of_a_validated_block_carries_over_after_24_months(rncp, centre_a):
    kept = _carry_on(datetime.date(2030, 1, 10), rncp, centre_a)
    # Capacity 3 lapsed with its 24 months; capacity 1 lives on with block B1.
    assert [(r.capacity.number, r.valid_until) for r in kept] == [(1, BLOCK_END)]
    assert "15/05/2032" in kept[0].justification
    assert _carry_on(BLOCK_END + datetime.timedelta(days=1), rncp, centre_a) == []


def test_outside_the_rncp_no_block_validity_and_24_months_only(not_rncp, staff_a, client_for):
    assert not BlockValidation.objects.exists()
    page = _text(
        client_for(staff_a).get(reverse("candidates:registration_detail", args=[not_rncp.bob.pk]))
    )
    assert "Blocs de compétences validés" not in page
    notice = document_request(
        kind=Document.Kind.CAPACITY_NOTICE, registration=not_rncp.bob, by=staff_a
    )
    assert "Blocs de compétences validés" not in document_html(notice)
    assert _carry_on(datetime.date(2030, 1, 10), not_rncp, not_rncp.campaign.centre) == []


def test_the_holder_and_the_centre_are_told_once_per_block(rncp, staff_a, mailoutbox):
    with _on(datetime.date(2029, 3, 15)):
        # Two months before the 24 months: capacity 3 only, capacity 1 lives with its block.
        assert send_expiry_notices() == 1
    assert list(ExpiryNotice.objects.values_list("result__capacity__number", flat=True)) == [3]
    mailoutbox.clear()
    with _on(datetime.date(2032, 3, 14)):
        assert send_expiry_notices() == 0
    for _twice in range(2):
        # Mail leaves the outbox after the commit (cqpm.core.mail): commit as the worker would.
        with _on(datetime.date(2032, 3, 15)), TestCase.captureOnCommitCallbacks(execute=True):
            send_expiry_notices()
    assert BlockExpiryNotice.objects.get().valid_until == BLOCK_END
    assert sorted(m.to[0] for m in mailoutbox) == sorted([rncp.bob.candidate.email, staff_a.email])
    holder = next(m for m in mailoutbox if m.to == [rncp.bob.candidate.email])
    assert "blocs de compétences du CQPM" in holder.subject and "15/05/2032" in holder.subject
    assert "B1 — Bloc B1" in holder.body
    staff = next(m for m in mailoutbox if m.to == [staff_a.email])
    assert staff.subject.endswith(f"de {rncp.bob.candidate} expirant le 15/05/2032")
    assert "Blocs de compétences de " in staff.subject
    entry = AuditEntry.objects.get(action="cqpm.transmissions.blocks.expiry_notified")
    assert entry.data["blocks"] == ["B1"]


def test_an_amendment_to_admissible_drops_the_block(rncp, jury_president):
    decision = rncp.bob.decisions.get(is_active=True)
    jury_decision_amend(
        decision=decision,
        outcome="admissible",
        reason="Erreur de saisie",
        jury_reason="Le jury retient l'ensemble du parcours.",
        by=jury_president,
    )
    assert not BlockValidation.objects.exists()

"""Demo data of this app, called by `manage.py seed_demo` after transmissions.demo.

Four closed campaigns of earlier sessions at each demo centre (24 candidates each, every
pathway, admissible, partial and absent people, capacities failed and some decided against the
company's opinion), so that the statistics draw something: the history a centre loads when it
moves to the product, written directly (its juries were held elsewhere), then counted by the
same service as a session closed here. Also one transmission of the first centre recorded as
sent, so that the branch's list shows an arrival checked. Idempotent: found again by name.
"""

from __future__ import annotations

import datetime

from django.utils import timezone

from candidates.demo import FIRST_NAMES_WITH_CIVILITY
from candidates.models import Campaign, Candidate, Company, Pathway, Registration
from deliberations.models import CapacityResult, Decision, JuryMember, JurySession, ResultSheet
from transmissions.models import PackSending, TransmissionPack
from transmissions.services import pack_record_sending

from .services import arrival_check, session_counts_refresh

HISTORY = [90, 270, 450, 630]  # days before today of each history jury
PER_CAMPAIGN = 24
HISTORY_MARK = "(historique)"
NAME = "Responsable d'affaires — session antérieure n° {n} " + HISTORY_MARK
DOMAIN = "historique.demo.cqpm.local"


def seed(*, ctx) -> None:
    referential = ctx.referential
    if referential is None:
        return
    for index, centre in enumerate(ctx.centres):
        for n, days in enumerate(HISTORY, start=1):
            _history(ctx, centre, referential, index, n, days)
    _send_one(ctx)


def _history(ctx, centre, referential, index: int, n: int, days: int) -> None:
    name = NAME.format(n=n)
    if Campaign.objects.filter(centre=centre, name=name).exists():
        return
    jury_date = timezone.localdate() - datetime.timedelta(days=days + index * 7)
    opens = jury_date - datetime.timedelta(days=200 + 40 * n)
    campaign = Campaign.objects.create(
        centre=centre,
        referential=referential,
        name=name,
        status=Campaign.Status.CLOSED,
        registration_opens=opens,
        registration_closes=opens + datetime.timedelta(days=40),
        report_deadline=opens + datetime.timedelta(days=120),
        opinion_deadline=opens + datetime.timedelta(days=125),
        commission_starts=opens + datetime.timedelta(days=150),
        commission_ends=opens + datetime.timedelta(days=170),
        jury_date=jury_date,
    )
    president = ctx.accounts["jury_president"][centre.code]
    session = JurySession.objects.create(
        campaign=campaign,
        date=jury_date,
        place="Salle du jury",
        status=JurySession.Status.CLOSED,
        closed_at=timezone.now(),
        closed_by=president,
    )
    JuryMember.objects.create(
        session=session, user=president, college="employer", is_president=True, present=True
    )
    JuryMember.objects.create(
        session=session,
        user=ctx.accounts["jury_member"][centre.code],
        college="employee",
        present=True,
    )
    # A company of the centre's showcase people (never the evaluators' own).
    company = (
        Company.objects.filter(registrations__campaign__centre=centre)
        .exclude(registrations__campaign__name__endswith="(historique)")
        .order_by("pk")
        .first()
    )
    capacities = list(referential.capacities.order_by("number"))
    for i in range(PER_CAMPAIGN):
        _candidate(campaign, session, company, capacities, president, index, n, i)
    session_counts_refresh(session=session)
    ctx.say(f"Démo statistiques : « {name} » ({centre.code}), {PER_CAMPAIGN} candidats.")


def _candidate(campaign, session, company, capacities, president, index, n, i) -> None:
    person = (index * 10 + n) * 100 + i
    first_name, civility = FIRST_NAMES_WITH_CIVILITY[person % len(FIRST_NAMES_WITH_CIVILITY)]
    candidate = Candidate.objects.create(
        civility=civility,
        last_name=f"Historique{person:05d}",
        first_name=first_name,
        birth_date=datetime.date(1975, 1, 1) + datetime.timedelta(days=person * 11 % 9000),
        email=f"candidat.{person:05d}@{DOMAIN}",
    )
    # Outcomes: 2 in 3 admissible, then partial, one absent in 8; pathways in turn.
    if i % 8 == 7:
        outcome = Decision.Outcome.ABSENT
    elif i % 3 == 2:
        outcome = Decision.Outcome.NOT_ADMISSIBLE
    else:
        outcome = Decision.Outcome.ADMISSIBLE
    stage = (
        Registration.Stage.ADMISSIBLE
        if outcome == Decision.Outcome.ADMISSIBLE
        else Registration.Stage.NOT_ADMISSIBLE
    )
    registration = Registration.objects.create(
        campaign=campaign,
        candidate=candidate,
        company=company,
        pathway=Pathway.values[(i + n) % 3 * 2 % len(Pathway.values)],
        registered_on=campaign.registration_opens + datetime.timedelta(days=(i * 9) % 40),
        stage=stage,
    )
    if outcome != Decision.Outcome.ABSENT:
        sheet = ResultSheet.objects.create(
            registration=registration, status=ResultSheet.Status.VALIDATED, version=1
        )
        failed = {1 + (i + n) % len(capacities)} if outcome == "not_admissible" else set()
        CapacityResult.objects.bulk_create(
            [
                CapacityResult(
                    sheet=sheet,
                    capacity=capacity,
                    outcome="not_acquired" if capacity.number in failed else "acquired",
                    justification="Non démontrée." if capacity.number in failed else "",
                    methods=["professional_project", "interview"],
                    disagrees_with_opinion=(i + capacity.number) % 5 == 0,
                )
                for capacity in capacities
            ]
        )
    proposed = (
        Decision.Outcome.NOT_ADMISSIBLE
        if outcome == Decision.Outcome.NOT_ADMISSIBLE
        else Decision.Outcome.ADMISSIBLE
    )
    Decision.objects.create(
        session=session,
        registration=registration,
        outcome=outcome,
        proposed=proposed,
        recorded_by=president,
    )


def _send_one(ctx) -> None:
    """The first centre's ready transmission recorded as sent, and checked on arrival."""
    if not ctx.centres:
        return
    centre = ctx.centres[0]
    demo_packs = PackSending.objects.filter(
        pack__session__campaign__centre=centre, pack__session__campaign__in=ctx.campaigns
    )
    if demo_packs.exists():  # sent on an earlier run: once is enough
        return
    pack = (
        TransmissionPack.objects.filter(
            session__campaign__centre=centre,
            session__campaign__in=ctx.campaigns,
            status=TransmissionPack.Status.READY,
            outdated=False,
        )
        .select_related("session")
        .order_by("pk")
        .first()
    )
    if pack is None or PackSending.objects.filter(pack=pack).exists():
        return
    sending = pack_record_sending(
        pack=pack,
        sent_on=max(pack.session.date, timezone.localdate() - datetime.timedelta(days=3)),
        channel=PackSending.Channel.PLATFORM,
        note="Déposé sur la plateforme de la branche (démonstration).",
        by=ctx.accounts["staff"][centre.code],
    )
    arrival_check(sending_id=sending.pk)
    ctx.say(f"Démo statistiques : transmission « {pack.session} » envoyée et vérifiée.")

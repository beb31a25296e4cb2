"""Closed jury sessions with decisions and results, counted as the stats app counts them."""

import datetime

from candidates.models import Pathway
from deliberations.models import CapacityResult, Decision, JurySession, ResultSheet
from stats.services import session_counts_refresh

from .candidates import bulk_registrations
from .deliberations import jury


def closed_session(
    campaign,
    *,
    president,
    admissible=0,
    partial=0,
    absent=0,
    pathway=Pathway.CONTINUING,
    date=datetime.date(2027, 5, 15),
    disagreements=0,
    start=0,
) -> JurySession:
    """A closed jury session of `campaign` with that many admissible, partial (not admissible:
    capacity 1 missed) and absent people, the first `disagreements` of them decided against
    the company's opinion on capacity 1; counted."""
    total = admissible + partial + absent
    registrations = bulk_registrations(campaign, total, start=start, pathway=pathway)
    session = jury(campaign, president=president, status=JurySession.Status.CLOSED, date=date)
    capacities = list(campaign.referential.capacities.order_by("number"))
    outcomes = (
        [Decision.Outcome.ADMISSIBLE] * admissible
        + [Decision.Outcome.NOT_ADMISSIBLE] * partial
        + [Decision.Outcome.ABSENT] * absent
    )
    sheets, results, decisions = [], [], []
    for index, (registration, outcome) in enumerate(zip(registrations, outcomes, strict=True)):
        decisions.append(
            Decision(
                session=session,
                registration=registration,
                outcome=outcome,
                proposed=Decision.Outcome.NOT_ADMISSIBLE
                if outcome == Decision.Outcome.NOT_ADMISSIBLE
                else Decision.Outcome.ADMISSIBLE,
                recorded_by=president,
            )
        )
        if outcome == Decision.Outcome.ABSENT:
            continue
        sheet = ResultSheet(registration=registration, status=ResultSheet.Status.VALIDATED)
        sheets.append(sheet)
        for capacity in capacities:
            missed = outcome == Decision.Outcome.NOT_ADMISSIBLE and capacity.number == 1
            results.append(
                CapacityResult(
                    sheet=sheet,
                    capacity=capacity,
                    outcome="not_acquired" if missed else "acquired",
                    justification="Non démontrée." if missed else "",
                    disagrees_with_opinion=capacity.number == 1 and index < disagreements,
                )
            )
    ResultSheet.objects.bulk_create(sheets)
    CapacityResult.objects.bulk_create(results)
    Decision.objects.bulk_create(decisions)
    session_counts_refresh(session=session)
    return session

"""The jury's rules, each written once (DESIGN.md §5.5 and §5.6): who is admissible, and how long
what a jury grants stays valid. Every app reads them from here; tests/test_rules_once.py fails
on a second copy of them anywhere in the source."""

import datetime

from dateutil.relativedelta import relativedelta

from .models import DecisionOutcome

# Capacities acquired by a non-admissible candidate stay valid this long (DESIGN.md §5.6).
CAPACITY_VALIDITY = relativedelta(months=24)
# Validated blocks of a CQPM registered in the RNCP stay valid this long (art. 51 and 55.3).
BLOCK_VALIDITY = relativedelta(years=5)


def proposed_outcome(*, acquired: int, total: int) -> DecisionOutcome:
    """Admissible if and only if every capacity of the referential is acquired (a jury may
    depart from it with a written reason, DESIGN.md §5.5)."""
    if acquired >= total:
        return DecisionOutcome.ADMISSIBLE
    return DecisionOutcome.NOT_ADMISSIBLE


def carry_over_end(jury_date: datetime.date) -> datetime.date:
    """Last day an acquired capacity stays valid after the jury of `jury_date` (the month's last
    day when it has no such day: 29/02 -> 28/02)."""
    result: datetime.date = jury_date + CAPACITY_VALIDITY
    return result


def block_validity_end(jury_date: datetime.date) -> datetime.date:
    """Last day a validated block stays valid after the jury of `jury_date` (29/02 -> 28/02)."""
    result: datetime.date = jury_date + BLOCK_VALIDITY
    return result

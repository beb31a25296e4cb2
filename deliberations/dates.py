"""Calendar arithmetic the jury rules need."""

import calendar
import datetime

from dateutil.relativedelta import relativedelta  # type: ignore[import-untyped]

# Capacities acquired by a non-admissible candidate stay valid this long (DESIGN.md §5.6).
CARRY_OVER_MONTHS = 24
# Validated blocks of a CQPM registered in the RNCP stay valid this long (art. 51 and 55.3).
BLOCK_VALIDITY = relativedelta(years=5)


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` later, clamped to the month's last day (31/01 + 1 month = 28/02)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


def carry_over_end(jury_date: datetime.date) -> datetime.date:
    """Last day an acquired capacity stays valid after the jury of `jury_date`."""
    return add_months(jury_date, CARRY_OVER_MONTHS)


def block_validity_end(jury_date: datetime.date) -> datetime.date:
    """Last day a validated block stays valid after the jury of `jury_date` (29/02 -> 28/02)."""
    return jury_date + BLOCK_VALIDITY

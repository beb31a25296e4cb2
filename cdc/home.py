"""The staff's home: the legal deadline of the deposit of each jury's holders (three months
after the jury), late in red once passed. One query, whatever the number of holders."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils.translation import gettext as _

from cqpm.core.access import holds
from cqpm.core.navigation import HomeTask

from .selectors import deadline, pending_deadlines_for

if TYPE_CHECKING:
    from accounts.models import User


def tasks(user: User) -> list[HomeTask]:
    if not holds(user, "cdc.export"):
        return []
    return [
        HomeTask(
            row["session__campaign__name"],
            _("Titulaires du jury du %(date)s à déposer à la CDC")
            % {"date": row["session__date"].strftime("%d/%m/%Y")},
            reverse("cdc:campaign", args=[row["session__campaign_id"]]),
            row["n"],
            deadline(row["session__date"]),
            70,
        )
        for row in pending_deadlines_for(user=user)
    ]

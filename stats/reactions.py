"""Reactions of the stats app to other apps' lifecycle hooks (registered in seams.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from cqpm.core.queueing import enqueue_on_commit
from transmissions.models import PackSending

if TYPE_CHECKING:
    from accounts.models import User
    from deliberations.models import Decision, JurySession

from .services import arrival_open, session_counts_refresh
from .tasks import check_arrival


def on_jury_session_closed(
    *, session: JurySession, decisions: object = None, by: User | None = None
) -> None:
    """deliberations.jury_session_closed: the session's counts, in its closing transaction."""
    session_counts_refresh(session=session)


def on_decision_amended(*, old: Decision, new: Decision, by: User | None = None) -> None:
    """deliberations.decision_amended: the amended session counted again."""
    session_counts_refresh(session=new.session)


def on_pack_sent(*, sending: PackSending, by: User | None = None) -> None:
    """PACK_SENT: the sending reaches the branch's list, pending until a worker hashes its
    archive again, after the commit."""
    arrival_open(sending=sending)
    enqueue_on_commit(check_arrival, sending.pk)

"""What the stats app declares in the registry (cqpm.core.registry) and its reactions to the
jury's and the transmissions' events."""

from cqpm.core.registry import react, register_demo_seeder, register_home_item, register_nav


def register() -> None:
    from deliberations.events import DECISION_AMENDED, JURY_SESSION_CLOSED
    from transmissions.events import PACK_SENT

    from . import demo, nav
    from .reactions import on_decision_amended, on_jury_session_closed, on_pack_sent

    register_nav("stats", nav.items, order=65)
    register_home_item("stats.overdue_national", nav.home_overdue, order=61)
    # After transmissions (60): the history campaigns are counted once their juries are closed.
    register_demo_seeder("stats", demo.seed, order=70)
    # After the pack is opened or marked to resend (20): the counts read what the jury left.
    react(JURY_SESSION_CLOSED, on_jury_session_closed, uid="stats.count_session", order=30)
    react(DECISION_AMENDED, on_decision_amended, uid="stats.count_amended_session", order=30)
    react(PACK_SENT, on_pack_sent, uid="stats.check_arrival", order=10)

"""What the cdc app declares in the registry (cqpm.core.registry): its audit events, its
navigation entry and campaign tab, the deposit deadlines on the staff home."""

from cqpm.core.registry import (
    declare_labels,
    register_campaign_tab,
    register_home_tasks,
    register_nav,
    register_section,
)


def register() -> None:
    from . import events, home, nav, sections
    from .models import CdcEntry, CdcItem

    events.declare()
    declare_labels(values=dict(CdcItem.Status.choices), of="cdc.cdcitem")
    declare_labels(values=dict(CdcEntry.Outcome.choices), of=events.HOLDER_ANSWERED)
    register_nav("cdc", nav.items, order=65)
    register_campaign_tab("cdc", nav.campaign_tabs, order=70)
    register_home_tasks("cdc", home.tasks, order=70)
    # After the jury's section (40): the deposit follows the decision.
    register_section("cdc", sections.registration_section, order=45)

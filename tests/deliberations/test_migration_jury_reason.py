"""The migration that adds the proposed decision and the jury's reason: decisions taken before it
get what their capacities implied, and a past departure gets a marker, not an invented reason."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from ..factories.accounts import UserFactory
from ..factories.candidates import CampaignFactory, RegistrationFactory

BEFORE = [("deliberations", "0002_jury_status_label")]
AFTER = [("deliberations", "0003_jury_reason_reseating_and_sheet_version")]


@pytest.mark.django_db(transaction=True)
def test_existing_decisions_get_their_proposal_and_a_marker_when_they_departed(centre_a):
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    try:
        campaign = CampaignFactory(centre=centre_a)
        user = UserFactory()
        session = old.get_model("deliberations", "JurySession").objects.create(
            campaign_id=campaign.pk, date=campaign.jury_date, place="Salle", status="closed"
        )
        made = {}
        for name, missed, outcome in (
            ("followed", set(), "admissible"),
            ("departed", set(), "not_admissible"),
            ("absent", {1}, "absent"),
        ):
            registration = RegistrationFactory(campaign=campaign)
            sheet = old.get_model("deliberations", "ResultSheet").objects.create(
                registration_id=registration.pk, status="validated", validated_at=timezone.now()
            )
            for capacity in campaign.referential.capacities.all():
                old.get_model("deliberations", "CapacityResult").objects.create(
                    sheet=sheet,
                    capacity_id=capacity.pk,
                    outcome="not_acquired" if capacity.number in missed else "acquired",
                    justification="Non." if capacity.number in missed else "",
                )
            made[name] = old.get_model("deliberations", "Decision").objects.create(
                session=session,
                registration_id=registration.pk,
                outcome=outcome,
                recorded_by_id=user.pk,
            )
        executor = MigrationExecutor(connection)
        executor.migrate(AFTER)
    finally:
        MigrationExecutor(connection).migrate(
            MigrationExecutor(connection).loader.graph.leaf_nodes()
        )
    from deliberations.models import Decision

    rows = {
        name: Decision.objects.values_list("proposed", "jury_reason").get(pk=decision.pk)
        for name, decision in made.items()
    }
    assert rows["followed"] == ("admissible", "")
    assert rows["absent"] == ("not_admissible", "")
    assert rows["departed"][0] == "admissible"
    assert rows["departed"][1].startswith("Décision enregistrée avant que le motif du jury")

"""What each campaign status allows (candidates/lifecycle.py, docs/LIFECYCLE.md): the table,
its French refusals, and the same refusal through the service, the page and the command."""

import io
import re
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction
from django.urls import reverse

from candidates.lifecycle import (
    ALLOWED,
    Activity,
    campaign_ensure_allows,
    markdown_table,
)
from candidates.models import Campaign, Registration
from candidates.services import (
    PersonData,
    campaign_transition,
    registration_create,
    registration_set_stage,
    registration_withdraw,
)
from cqpm.core.errors import DomainError, InvalidTransition
from cqpm.core.models import AuditEntry
from tests.candidates.data import csv_bytes, good_row
from tests.factories.candidates import CampaignFactory, RegistrationFactory

ROOT = Path(__file__).resolve().parents[2]
S = Campaign.Status


def _person(n: int = 1) -> PersonData:
    import datetime

    return PersonData(
        civility="Mme",
        last_name=f"Durand{n}",
        first_name="Léa",
        birth_date=datetime.date(1990, 1, n),
    )


def _form(**extra) -> dict:
    return {
        "civility": "Mme",
        "last_name": "Martin",
        "first_name": "Jeanne",
        "birth_date": "1991-02-03",
        "pathway": "vae",
        "registered_on": "2026-10-01",
        **extra,
    }


# --- The table ---------------------------------------------------------------------------------


def test_the_documented_table_is_the_one_the_code_enforces():
    text = (ROOT / "docs" / "LIFECYCLE.md").read_text(encoding="utf-8")
    assert markdown_table() in text
    assert set(ALLOWED) == set(Activity)


def test_a_closed_campaign_allows_only_amendments_and_their_documents():
    closed = {a for a, statuses in ALLOWED.items() if S.CLOSED in statuses}
    assert closed == {Activity.AMENDMENT, Activity.DOCUMENTS}
    assert not any(S.CANCELLED in statuses for statuses in ALLOWED.values())


@pytest.mark.parametrize(
    ("status", "activity", "message"),
    [
        (
            S.PLANNED,
            Activity.REGISTER,
            "La campagne « X » est planifiée : ouvrez les inscriptions avant d'inscrire des "
            "candidats.",
        ),
        (
            S.OPEN,
            Activity.REPORT,
            "La campagne « X » a ses inscriptions ouvertes : démarrez les évaluations avant de "
            "déposer un rapport.",
        ),
        (
            S.IN_PROGRESS,
            Activity.DELIBERATION,
            "La campagne « X » est en cours d'évaluation : passez la campagne à l'étape du jury "
            "avant de délibérer.",
        ),
        (
            S.JURY,
            Activity.REGISTER,
            "La campagne « X » est à l'étape du jury : il n'est plus possible d'inscrire des "
            "candidats.",
        ),
        (
            S.CLOSED,
            Activity.DOSSIER,
            "La campagne « X » est clôturée : elle est en lecture seule, il n'est plus possible "
            "de préparer ou d'examiner un dossier d'évaluation.",
        ),
    ],
)
def test_a_refusal_names_the_status_and_what_to_do(db, status, activity, message):
    campaign = CampaignFactory(name="X", status=status)
    with pytest.raises(DomainError, match=re.escape(message)) as excinfo:
        campaign_ensure_allows(campaign=campaign, activity=activity)
    assert excinfo.value.code == "campaign_status"


# --- Registrations: service, page, command ------------------------------------------------


@pytest.mark.parametrize("status", [S.PLANNED, S.JURY, S.CLOSED, S.CANCELLED])
def test_the_service_refuses_a_registration_outside_the_open_window(centre_a, staff_a, status):
    campaign = CampaignFactory(centre=centre_a, status=status)
    with pytest.raises(DomainError, match="La campagne"):
        registration_create(campaign=campaign, person=_person(), pathway="vae", by=staff_a)
    assert not Registration.objects.exists()


def test_the_page_refuses_a_registration_into_a_planned_campaign(centre_a, staff_a, client_for):
    campaign = CampaignFactory(centre=centre_a, status=S.PLANNED)
    client = client_for(staff_a)
    url = reverse("candidates:registration_create", args=[campaign.pk])
    response = client.post(url, _form())
    assert response.status_code == 200
    body = response.content.decode()
    assert "ouvrez les inscriptions avant d&#x27;inscrire des candidats" in body
    assert not Registration.objects.exists()
    # Nor does any page of the campaign offer to register or import.
    detail = client.get(reverse("candidates:campaign_detail", args=[campaign.pk])).content.decode()
    assert url not in detail
    assert reverse("candidates:import_upload", args=[campaign.pk]) not in detail


def test_a_late_registration_needs_a_recorded_reason(centre_a, staff_a, client_for):
    campaign = CampaignFactory(centre=centre_a, status=S.IN_PROGRESS)
    with pytest.raises(DomainError, match="inscription tardive exige un motif"):
        registration_create(campaign=campaign, person=_person(), pathway="vae", by=staff_a)
    client = client_for(staff_a)
    url = reverse("candidates:registration_create", args=[campaign.pk])
    refused = client.post(url, _form())
    assert "inscription tardive exige un motif" in refused.content.decode()
    assert not Registration.objects.exists()

    response = client.post(url, _form(late_reason="Arrivée dans l'entreprise en janvier."))
    assert response.status_code == 302
    registration = Registration.objects.get()
    assert registration.late_reason == "Arrivée dans l'entreprise en janvier."
    entry = AuditEntry.objects.get(action="cqpm.registration.created_late")
    assert entry.data["late_reason"] == "Arrivée dans l'entreprise en janvier."
    history = client.get(reverse("candidates:registration_detail", args=[registration.pk]))
    assert (
        "après le début des évaluations (motif : Arrivée dans l&#x27;entreprise en janvier.)"
        in (history.content.decode())
    )


def _import(tmp_path, campaign, **options):
    path = tmp_path / "candidats.csv"
    path.write_bytes(csv_bytes([good_row(1), good_row(2)]))
    call_command(
        "import_candidates",
        str(path),
        campaign=campaign.pk,
        stdout=io.StringIO(),
        stderr=io.StringIO(),
        **options,
    )


@pytest.mark.parametrize(
    ("status", "message"),
    [
        (S.PLANNED, "est planifiée : ouvrez les inscriptions avant d'inscrire des candidats"),
        (S.CLOSED, "est clôturée : elle est en lecture seule"),
    ],
)
def test_the_command_refuses_an_import_into_a_planned_or_closed_campaign(
    centre_a, tmp_path, status, message
):
    campaign = CampaignFactory(centre=centre_a, status=status)
    with pytest.raises(CommandError, match=message):
        _import(tmp_path, campaign)
    assert not Registration.objects.exists()


def test_the_command_imports_late_only_with_a_reason(centre_a, tmp_path):
    campaign = CampaignFactory(centre=centre_a, status=S.IN_PROGRESS)
    with pytest.raises(CommandError, match="inscription tardive exige un motif"):
        _import(tmp_path, campaign)
    _import(tmp_path, campaign, late_reason="Entrées en formation décalées.")
    assert set(Registration.objects.values_list("late_reason", flat=True)) == {
        "Entrées en formation décalées."
    }


def test_the_import_page_says_why_a_planned_campaign_takes_no_file(centre_a, staff_a, client_for):
    campaign = CampaignFactory(centre=centre_a, status=S.PLANNED)
    response = client_for(staff_a).get(reverse("candidates:import_upload", args=[campaign.pk]))
    body = response.content.decode()
    assert "ouvrez les inscriptions" in body
    assert 'type="file"' not in body


# --- The campaign's buttons follow its map ------------------------------------------------------


@pytest.mark.parametrize("status", list(S))
def test_the_campaign_page_offers_exactly_the_moves_of_the_map(
    centre_a, staff_a, client_for, status
):
    campaign = CampaignFactory(centre=centre_a, status=status)
    body = client_for(staff_a).get(reverse("candidates:campaign_detail", args=[campaign.pk]))
    offered = set(re.findall(r'name="to" value="([a-z_]+)"', body.content.decode()))
    assert offered == set(Campaign.TRANSITIONS[status])


def test_a_campaign_with_registrations_never_goes_back_to_planned(centre_a, staff_a, client_for):
    campaign = CampaignFactory(centre=centre_a, status=S.OPEN)
    RegistrationFactory(campaign=campaign)
    client = client_for(staff_a)
    body = client.get(reverse("candidates:campaign_detail", args=[campaign.pk])).content.decode()
    offered = set(re.findall(r'name="to" value="([a-z_]+)"', body))
    assert offered == {S.IN_PROGRESS, S.CANCELLED}
    url = reverse("candidates:campaign_transition", args=[campaign.pk])
    response = client.post(url, {"to": S.PLANNED}, follow=True)
    assert "a des inscrits" in response.content.decode()
    with pytest.raises(DomainError, match="a des inscrits"):
        campaign_transition(campaign=campaign, to=S.PLANNED, by=staff_a)
    campaign.refresh_from_db()
    assert campaign.status == S.OPEN


def test_a_move_the_map_forbids_is_refused_through_the_page(centre_a, staff_a, client_for):
    campaign = CampaignFactory(centre=centre_a, status=S.PLANNED)
    url = reverse("candidates:campaign_transition", args=[campaign.pk])
    response = client_for(staff_a).post(url, {"to": S.JURY}, follow=True)
    assert "Action impossible" in response.content.decode()
    campaign.refresh_from_db()
    assert campaign.status == S.PLANNED
    with pytest.raises(InvalidTransition):
        campaign_transition(campaign=campaign, to=S.CLOSED, by=staff_a)


# --- The registration's stage map --------------------------------------------------------


def test_every_stage_move_goes_through_the_map(centre_a, staff_a):
    registration = RegistrationFactory(campaign=CampaignFactory(centre=centre_a))
    registration_set_stage(registration=registration, stage="dossier", by=staff_a)
    with pytest.raises(InvalidTransition):
        registration_set_stage(registration=registration, stage="registered", by=staff_a)
    with pytest.raises(InvalidTransition):
        registration_set_stage(registration=registration, stage="admissible", by=staff_a)
    entry = AuditEntry.objects.get(action="cqpm.registration.stage_changed")
    assert entry.data == {"before": "registered", "after": "dossier"}
    registration.refresh_from_db()
    assert registration.stage == "dossier"


def test_a_decided_registration_cannot_be_withdrawn_and_the_page_does_not_offer_it(
    centre_a, staff_a, client_for
):
    campaign = CampaignFactory(centre=centre_a, status=S.JURY)
    registration = RegistrationFactory(campaign=campaign, stage="admissible")
    with pytest.raises(DomainError, match="Le jury a déjà statué"):
        registration_withdraw(registration=registration, reason="Départ", by=staff_a)
    url = reverse("candidates:registration_detail", args=[registration.pk])
    page = client_for(staff_a).get(url)
    assert reverse("candidates:registration_withdraw", args=[registration.pk]) not in (
        page.content.decode()
    )


def test_a_closed_campaign_offers_no_edit_and_refuses_one(centre_a, staff_a, client_for):
    campaign = CampaignFactory(centre=centre_a, status=S.CLOSED)
    registration = RegistrationFactory(campaign=campaign)
    client = client_for(staff_a)
    page = client.get(reverse("candidates:registration_detail", args=[registration.pk]))
    assert reverse("candidates:registration_update", args=[registration.pk]) not in (
        page.content.decode()
    )
    response = client.post(
        reverse("candidates:registration_withdraw", args=[registration.pk]), {"reason": "x"}
    )
    assert "lecture seule" in response.content.decode()
    registration.refresh_from_db()
    assert registration.stage == "registered"


# --- Every status column is held by the database ------------------------------------------------


def _status_columns():
    from deliberations.models import CapacityResult, Decision, JurySession, ResultSheet
    from documents.models import Document
    from evaluations.models import CompanyOpinion, EvaluationDossier
    from referentials.models import Referential

    return [
        (Campaign, "status"),
        (Registration, "stage"),
        (EvaluationDossier, "status"),
        (CompanyOpinion, "status"),
        (ResultSheet, "status"),
        (CapacityResult, "outcome"),
        (JurySession, "status"),
        (Decision, "outcome"),
        (Document, "status"),
        (Referential, "status"),
    ]


@pytest.mark.parametrize("index", range(10))
def test_each_status_column_has_its_named_check_constraint(db, index):
    model, field = _status_columns()[index]
    name = f"{model._meta.app_label}_{model._meta.model_name}_{field}_valid"
    assert name in {c.name for c in model._meta.constraints}


def test_the_database_refuses_a_stage_outside_the_choices(centre_a):
    registration = RegistrationFactory(campaign=CampaignFactory(centre=centre_a))
    with pytest.raises(IntegrityError), transaction.atomic():
        Registration.objects.filter(pk=registration.pk).update(stage="graduated")
    with pytest.raises(IntegrityError), transaction.atomic():
        Campaign.objects.filter(pk=registration.campaign_id).update(status="archived")


def test_a_write_checks_the_campaign_status_as_it_stands_locked(db):
    """A status changed at the same instant (here: by another request, after this one read the
    campaign) is the one a write service sees: its check locks the row and reads it again."""
    from django.db import transaction

    from candidates.lifecycle import Activity, campaign_ensure_allows
    from candidates.models import Campaign
    from cqpm.core.errors import DomainError
    from tests.factories.candidates import CampaignFactory

    campaign = CampaignFactory(status=Campaign.Status.IN_PROGRESS)
    Campaign.objects.filter(pk=campaign.pk).update(status=Campaign.Status.JURY)
    with transaction.atomic(), pytest.raises(DomainError) as refused:
        campaign_ensure_allows(campaign=campaign, activity=Activity.REPORT)
    assert refused.value.code == "campaign_status"
    assert campaign.status == Campaign.Status.JURY

"""Reads of the API, each one the scoped selector of the page that shows the same thing.

No new scoping rule lives here: a resource's queryset is the page's selector (or a filter by
the ids it reaches), so the API answers 404 exactly where the page does (DESIGN.md §7).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Exists, OuterRef, Prefetch, QuerySet

from candidates.models import Campaign, Candidate, Registration
from candidates.selectors import campaign_list_for, registration_list_for
from deliberations.models import CapacityResult, Decision
from deliberations.selectors import evaluation_registration_list_for, jury_session_list_for
from documents.models import Document
from documents.selectors import document_list_for
from evaluations.models import DossierCapacity, Report
from evaluations.selectors import registration_list_for_staff_or_evaluator
from referentials.models import Referential
from referentials.selectors import referential_detail_queryset_for, referential_list_for

from .models import ApiToken

if TYPE_CHECKING:
    from accounts.models import User

# --- Tokens -------------------------------------------------------------------------------------


def api_token_list_for(*, user: User) -> QuerySet[ApiToken]:
    """A person's own tokens, newest first (nobody sees another person's tokens)."""
    if not getattr(user, "is_authenticated", False):
        return ApiToken.objects.none()
    return ApiToken.objects.filter(owner=user).order_by("-created_at", "-pk")


def api_token_for_prefix(*, prefix: str) -> ApiToken | None:
    """The live token with this visible prefix, with its owner (for authentication)."""
    return (
        ApiToken.objects.filter(prefix=prefix, revoked_at__isnull=True)
        .select_related("owner")
        .first()
    )


# --- Resources ----------------------------------------------------------------------------------


def api_referential_list_for(*, user: User) -> QuerySet[Referential]:
    """The referentials page's versions (everyone signed in; drafts for administrators)."""
    return referential_list_for(user=user).order_by("pk")


def api_referential_detail_for(*, user: User) -> QuerySet[Referential]:
    return referential_detail_queryset_for(user=user)


def api_campaign_list_for(*, user: User) -> QuerySet[Campaign]:
    """The campaigns page's scope: staff of the campaign's centre."""
    return campaign_list_for(user=user)


def api_registration_list_for(*, user: User) -> QuerySet[Registration]:
    """The candidate list's scope (registration_list_for: staff of the campaign's centre), as
    « its campaign is one of campaign_list_for » so that a page in id order walks the primary
    key and stops after 100 rows instead of sorting every row of the centre first (a test
    holds both selectors to the same rows)."""
    reached = campaign_list_for(user=user).filter(pk=OuterRef("campaign_id"))
    return Registration.objects.filter(Exists(reached)).select_related(
        "campaign", "candidate", "company", "tutor"
    )


def api_candidate_list_for(*, user: User) -> QuerySet[Candidate]:
    """The people registered in a campaign the user reaches on the candidate list."""
    reached = registration_list_for(user=user).order_by().values("candidate_id")
    return Candidate.objects.filter(pk__in=reached)


def api_evidence_registration_list_for(*, user: User) -> QuerySet[Registration]:
    """The report and interview pages' scope: staff of the centre, evaluators of the session."""
    return (
        registration_list_for_staff_or_evaluator(user=user)
        .select_related("dossier", "company_opinion", "interview")
        .prefetch_related(
            Prefetch(
                "dossier__capacities",
                queryset=DossierCapacity.objects.select_related("capacity").order_by(
                    "capacity__number"
                ),
            ),
            Prefetch("reports", queryset=Report.objects.order_by("-version")),
        )
    )


def api_results_registration_list_for(*, user: User) -> QuerySet[Registration]:
    """The evaluation page's scope: staff of the centre, evaluators of the session (never of
    their own company)."""
    return (
        evaluation_registration_list_for(user=user)
        .select_related("result_sheet")
        .prefetch_related(
            Prefetch(
                "result_sheet__results",
                queryset=CapacityResult.objects.select_related("capacity").order_by(
                    "capacity__number"
                ),
            )
        )
    )


def api_decision_list_for(*, user: User) -> QuerySet[Decision]:
    """Decisions of the jury sessions the user reaches: staff of the centre, members seated."""
    sessions = jury_session_list_for(user=user).order_by().values("pk")
    return Decision.objects.filter(session_id__in=sessions).select_related(
        "session", "registration__candidate"
    )


def api_document_list_for(*, user: User) -> QuerySet[Document]:
    """The documents page's scope: staff of the centre of the jury session."""
    return document_list_for(user=user)

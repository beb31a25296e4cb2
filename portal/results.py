"""What a candidate reads after the jury: the decision in force, each capacity with its result
and, if acquired, its validity end, the certificate or notice to download, and the credential
with its verification page and LinkedIn's « add to profile » link. Read only once the jury
session is closed (`selectors.decision_in_force`): nothing shows before."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from urllib.parse import urlencode

from django.conf import settings
from django.urls import reverse

from candidates.models import Registration
from deliberations.models import Decision
from deliberations.rules import carry_over_end
from documents.kinds import kind_of
from documents.models import Document
from documents.rendering import CapacityLine, capacity_lines

from .selectors import OWN_KINDS, decision_in_force

LINKEDIN_ADD = "https://www.linkedin.com/profile/add"


@dataclass(frozen=True)
class CredentialLinks:
    jwt_url: str
    json_url: str
    verify_url: str
    linkedin_url: str
    credential_id: str


@dataclass(frozen=True)
class Results:
    decision: Decision
    admissible: bool
    lines: list[CapacityLine]
    documents: list[Document]
    credential: CredentialLinks | None


def _absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def linkedin_url(
    *, name: str, organisation: str, issued: datetime.date, credential_id: str, url: str
) -> str:
    """LinkedIn's public « add to profile » link for a certification, filled in."""
    query = {
        "startTask": "CERTIFICATION_NAME",
        "name": name,
        "organizationName": organisation,
        "issueYear": issued.year,
        "issueMonth": issued.month,
        "certId": credential_id,
        "certUrl": url,
    }
    return f"{LINKEDIN_ADD}?{urlencode(query)}"


def _credential_links(document: Document) -> CredentialLinks | None:
    credential = getattr(document, "credential", None)
    if credential is None or credential.revoked_at is not None:
        return None
    registration, decision = document.registration, document.decision
    if registration is None or decision is None:  # a candidate's own document has both
        return None
    code = document.verification_code
    verify = _absolute(reverse("documents:verify", kwargs={"code": code}))
    referential = registration.campaign.referential
    credential_id = f"urn:uuid:{credential.uuid}"
    return CredentialLinks(
        jwt_url=reverse("credentials:credential_jwt", kwargs={"code": code}),
        json_url=reverse("credentials:credential_json", kwargs={"code": code}),
        verify_url=verify,
        linkedin_url=linkedin_url(
            name=f"CQPM {referential.code} — {referential.title}",
            organisation=settings.CREDENTIALS_ISSUER_NAME,
            issued=decision.session.date,
            credential_id=credential_id,
            url=verify,
        ),
        credential_id=credential_id,
    )


def results_for(*, registration: Registration) -> Results | None:
    """The candidate's results, or None before the jury's decision is final."""
    decision = decision_in_force(registration=registration)
    if decision is None:
        return None
    documents = list(
        Document.objects.filter(
            registration=registration,
            decision=decision,
            kind__in=OWN_KINDS,
            status=Document.Status.READY,
        )
        .select_related("credential", "decision__session", "registration__campaign__referential")
        .order_by("kind", "-version")
    )
    certificate = next((d for d in documents if kind_of(d.kind).credential), None)
    return Results(
        decision=decision,
        admissible=decision.outcome == Decision.Outcome.ADMISSIBLE,
        lines=capacity_lines(
            registration=registration, default_until=carry_over_end(decision.session.date)
        ),
        documents=documents,
        credential=_credential_links(certificate) if certificate else None,
    )

"""The OpenBadgeCredential of a certificate, built from the jury's decision (Open Badges 3.0 on
the W3C Verifiable Credentials data model 2.0)."""

from __future__ import annotations

import datetime
import hashlib
import secrets
import uuid
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.urls import reverse

from deliberations.models import Decision
from documents.models import Document
from referentials.case import capacity_uri, document_uri
from referentials.models import Referential

from .keys import issuer_did

CONTEXTS = [
    "https://www.w3.org/ns/credentials/v2",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
]
TYPES = ["VerifiableCredential", "OpenBadgeCredential"]
SCHEMA = {
    "id": "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/"
    "ob_v3p0_achievementcredential_schema.json",
    "type": "1EdTechJsonSchemaValidator2019",
}
# Creators (the branch's bodies) get a stable URN from their name.
CREATOR_NAMESPACE = uuid.UUID("0b6b6f4e-6d1c-5b8a-9a51-3f2f7c1d9e20")
# The subject's id (the JWT's `sub`) is derived from the credential's own id: stable when the
# credential is signed again, and linking none of a person's credentials to the others.
SUBJECT_NAMESPACE = uuid.UUID("5c1d8a0e-3f4b-5e2a-8c7d-9b6a4e2f1d30")


def absolute(path: str) -> str:
    return f"{settings.SITE_URL.rstrip('/')}{path}"


def issuer_profile() -> dict[str, Any]:
    """The OB3 Profile of the issuer: its DID as id, its HTTPS profile page as url."""
    return {
        "id": issuer_did(),
        "type": ["Profile"],
        "name": settings.CREDENTIALS_ISSUER_NAME,
        "url": absolute(reverse("credentials:issuer")),
    }


def identity_hash(email: str, salt: str) -> str:
    """OB3 IdentityHash: "sha256$" + hex SHA-256 of the identity followed by the salt."""
    return "sha256$" + hashlib.sha256((email.strip().lower() + salt).encode()).hexdigest()


def jury_instant(day: datetime.date) -> str:
    """The jury's day as an XML Schema dateTime (midnight in the product's time zone, in UTC)."""
    local = datetime.datetime.combine(day, datetime.time.min, tzinfo=ZoneInfo(settings.TIME_ZONE))
    return local.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def achievement(referential: Referential) -> dict[str, Any]:
    capacities = list(referential.capacities.order_by("number"))
    narrative = "\n".join(
        ["Toutes les capacités professionnelles du référentiel sont acquises :"]
        + [f"{c.number}. {c.title}" for c in capacities]
    )
    framework = f"CQPM {referential.code} (version {referential.version})"
    data: dict[str, Any] = {
        "id": document_uri(referential),
        "type": ["Achievement"],
        "achievementType": "Certification",
        "name": referential.title,
        "description": referential.objective.strip() or referential.title,
        "humanCode": referential.code,
        "version": str(referential.version),
        "inLanguage": "fr",
        "criteria": {"narrative": narrative},
        "tag": ["CQPM"] + ([f"Catégorie {referential.category}"] if referential.category else []),
        "alignment": [
            {
                "type": ["Alignment"],
                "targetName": f"{c.number}. {c.title}",
                "targetUrl": capacity_uri(c),
                "targetCode": str(c.number),
                "targetFramework": framework,
                "targetType": "CFItem",
            }
            for c in capacities
        ],
    }
    if referential.level:
        data["tag"].append(f"Niveau {referential.level}")
    if referential.issuer:
        data["creator"] = {
            "id": f"urn:uuid:{uuid.uuid5(CREATOR_NAMESPACE, referential.issuer)}",
            "type": ["Profile"],
            "name": referential.issuer,
        }
    return data


def subject_id(credential_id: str) -> str:
    return f"urn:uuid:{uuid.uuid5(SUBJECT_NAMESPACE, credential_id)}"


def subject(decision: Decision, *, credential_id: str) -> dict[str, Any]:
    candidate = decision.registration.candidate
    salt = secrets.token_hex(16)
    name = f"{candidate.first_name} {candidate.last_name.upper()}".strip()
    if candidate.email:
        identity = {"identityType": "emailAddress", "value": candidate.email}
    else:  # No e-mail: the holder's stable number in this system, hashed the same way.
        identity = {"identityType": "identifier", "value": f"cqpm-candidate-{candidate.pk}"}
    return {
        "id": subject_id(credential_id),
        "type": ["AchievementSubject"],
        "identifier": [
            {
                # A string, not a list: the OB3 schema's IdentityObject.type is an enum.
                "type": "IdentityObject",
                "identityType": identity["identityType"],
                "hashed": True,
                "identityHash": identity_hash(identity["value"], salt),
                "salt": salt,
            },
            # OB3 lets an IdentityObject carry a plain value when it is not secret: the name
            # printed on the certificate.
            {
                "type": "IdentityObject",
                "identityType": "name",
                "hashed": False,
                "identityHash": name,
            },
        ],
        "achievement": achievement(decision.registration.campaign.referential),
    }


def status_entry(*, list_url: str, index: int) -> dict[str, Any]:
    return {
        "id": f"{list_url}#{index}",
        "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation",
        "statusListIndex": str(index),
        "statusListCredential": list_url,
    }


def build_credential(
    *, credential_id: str, document: Document, decision: Decision, list_url: str, index: int
) -> dict[str, Any]:
    """The credential of a certificate: what the jury attested, to whom, when, and where to
    check it (evidence: the document's public verification page)."""
    referential = decision.registration.campaign.referential
    verification = absolute(
        reverse("documents:verify", kwargs={"code": document.verification_code})
    )
    return {
        "@context": CONTEXTS,
        "id": credential_id,
        "type": TYPES,
        "name": f"CQPM {referential.code} — {referential.title}",
        "issuer": issuer_profile(),
        "validFrom": jury_instant(decision.session.date),
        "credentialSubject": subject(decision, credential_id=credential_id),
        "credentialStatus": status_entry(list_url=list_url, index=index),
        "credentialSchema": [SCHEMA],
        "evidence": [
            {
                "id": verification,
                "type": ["Evidence"],
                "name": "Page publique de vérification de l'attestation de réussite",
                "narrative": f"Décision du jury paritaire du {decision.session.date:%d/%m/%Y}.",
            }
        ],
    }

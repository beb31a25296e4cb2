"""Everything held about a person, as one JSON-ready dict (`manage.py personal_data_export`, the
staff's export page and its PDF read the same dict).

`centre_ids` is the reach of the reader: staff see what their centres hold (registrations at
their centres and what hangs on them); None (the command) sees everything.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from django.utils import timezone

from candidates.models import Candidate, Registration
from cqpm.core.audit import audit_redacted
from cqpm.core.models import AuditEntry
from cqpm.core.registry import registry
from documents.models import Document
from evaluations.models import OpinionReminder

FORMAT = "cqpm-personal-data/1"

EMAILS_NOTE = (
    "Le produit ne conserve pas de copie des e-mails envoyés. Il enregistre les rappels d'avis "
    "d'entreprise adressés aux tuteurs (date, destinataire, échéance) et, dans le journal, "
    "l'ouverture d'un compte (qui envoie l'e-mail d'invitation). Aucun e-mail n'est adressé "
    "au candidat lui-même."
)


def personal_data_export(
    *, email: str = "", candidates: list[Candidate] | None = None, centre_ids: list[int] | None
) -> dict[str, Any]:
    """The export for the people with `email` (or the given candidates) and the account with
    that e-mail, limited to `centre_ids` (None: everything)."""
    email = email.strip().lower()
    if candidates is None:
        candidates = list(candidates_for_email(email=email, centre_ids=centre_ids))
    account = _account(email, centre_ids) if email else None
    return {
        "format": FORMAT,
        "generated_at": timezone.now().isoformat(),
        "email": email,
        "scope": "all" if centre_ids is None else "centres",
        "people": [_person(candidate, centre_ids) for candidate in candidates],
        "account": account,
        "emails_note": EMAILS_NOTE,
    }


def candidates_for_email(*, email: str, centre_ids: list[int] | None) -> QuerySet[Candidate]:
    if not email:
        return Candidate.objects.none()
    people = Candidate.objects.filter(email__iexact=email)
    if centre_ids is not None:
        people = people.filter(registrations__campaign__centre_id__in=centre_ids).distinct()
    return people.order_by("pk")


def _iso(value: Any) -> str | None:
    return value.isoformat() if value else None


def _person(candidate: Candidate, centre_ids: list[int] | None) -> dict[str, Any]:
    registrations = Registration.objects.filter(candidate=candidate).select_related(
        "campaign__centre", "campaign__referential", "company", "tutor"
    )
    if centre_ids is not None:
        registrations = registrations.filter(campaign__centre_id__in=centre_ids)
    registrations = registrations.order_by("campaign__jury_date", "pk")
    ids = [r.pk for r in registrations]
    audit = Q(registration_id__in=ids) | Q(
        object_type="candidates.candidate", object_id=str(candidate.pk)
    )
    if centre_ids is not None:
        audit &= Q(registration_id__in=ids) | Q(centre_id__in=centre_ids) | Q(centre_id=None)
    return {
        "identity": {
            "id": candidate.pk,
            "civility": candidate.civility,
            "last_name": candidate.last_name,
            "first_name": candidate.first_name,
            "birth_date": _iso(candidate.birth_date),
            # What the Caisse des Dépôts' deposit (Passeport de compétences) receives.
            "birth_name": candidate.birth_name,
            "usage_name": candidate.usage_name,
            "second_first_name": candidate.second_first_name,
            "third_first_name": candidate.third_first_name,
            "sex": candidate.sex,
            "birth_place_insee": candidate.birth_place_insee,
            "birth_postal_code": candidate.birth_postal_code,
            "birth_place_label": candidate.birth_place_label,
            "birth_country_code": candidate.birth_country_code,
            "birth_country_label": candidate.birth_country_label,
            "email": candidate.email,
            "phone": candidate.phone,
            "address": candidate.address,
            "created_at": _iso(candidate.created_at),
            "updated_at": _iso(candidate.updated_at),
            "erased": hasattr(candidate, "erasure"),
        },
        "registrations": [_registration(r) for r in registrations],
        "audit": _audit(AuditEntry.objects.filter(audit)),
    }


def _registration(r: Registration) -> dict[str, Any]:
    referential = r.campaign.referential
    return {
        "id": r.pk,
        "centre": r.campaign.centre.name,
        "campaign": {
            "id": r.campaign_id,
            "name": r.campaign.name,
            "status": r.campaign.status,
            "jury_date": _iso(r.campaign.jury_date),
        },
        "referential": {
            "code": referential.code,
            "title": referential.title,
            "version": referential.version,
        },
        "pathway": r.pathway,
        "access_mode": r.access_mode,
        "vae_way": r.vae_way,
        "registration_initiative": r.registration_initiative,
        "stage": r.stage,
        "registered_on": _iso(r.registered_on),
        "company": {"name": r.company.name, "siret": r.company.siret} if r.company else None,
        "tutor": r.tutor.email if r.tutor else None,
        "late_reason": r.late_reason,
        "withdrawn_at": _iso(r.withdrawn_at),
        "withdrawal_reason": r.withdrawal_reason,
        "dossier": _dossier(r),
        "evidence": [
            {
                "version": report.version,
                "file_name": report.original_name,
                "size": report.size,
                "sha256": report.sha256,
                "uploaded_at": _iso(report.created_at),
                "is_late": report.is_late,
                "file_kept": bool(report.file),
            }
            for report in r.reports.order_by("version")
        ],
        "company_opinion": _opinion(r),
        "interview": _interview(r),
        "results": _results(r),
        "decisions": [
            {
                "jury_date": _iso(d.session.date),
                "outcome": d.outcome,
                "proposed": d.proposed,
                "is_active": d.is_active,
                "jury_reason": d.jury_reason,
                "amendment_reason": d.reason,
                "recorded_at": _iso(d.created_at),
            }
            for d in r.decisions.select_related("session").order_by("created_at", "pk")
        ],
        "documents": [
            {
                "kind": doc.kind,
                "version": doc.version,
                "status": doc.status,
                "sha256": doc.sha256,
                "verification_code": doc.verification_code,
                "created_at": _iso(doc.created_at),
                "file_kept": bool(doc.file),
            }
            for doc in Document.objects.filter(registration=r).order_by("kind", "version")
        ],
        "emails": [
            {
                "kind": "opinion_reminder",
                "to": reminder.opinion.respondent.email if reminder.opinion.respondent else None,
                "sent_at": _iso(reminder.sent_at),
                "deadline": _iso(reminder.deadline),
            }
            for reminder in OpinionReminder.objects.filter(opinion__registration=r)
            .select_related("opinion__respondent")
            .order_by("sent_at")
        ],
    }


def _dossier(r: Registration) -> dict[str, Any] | None:
    dossier = getattr(r, "dossier", None)
    if dossier is None:
        return None
    return {
        "status": dossier.status,
        "submitted_at": _iso(dossier.submitted_at),
        "reviewed_at": _iso(dossier.reviewed_at),
        "review_comment": dossier.review_comment,
        "capacities": [
            {"capacity": c.capacity.number, "methods": c.methods, "justification": c.justification}
            for c in dossier.capacities.select_related("capacity")
        ],
    }


def _opinion(r: Registration) -> dict[str, Any] | None:
    opinion = getattr(r, "company_opinion", None)
    if opinion is None:
        return None
    return {
        "respondent": opinion.respondent.email if opinion.respondent else None,
        "respondent_role": opinion.respondent_role,
        "status": opinion.status,
        "submitted_at": _iso(opinion.submitted_at),
        "overall_comment": opinion.overall_comment,
        "capacities": [
            {"capacity": c.capacity.number, "rating": c.rating, "comment": c.comment}
            for c in opinion.capacities.select_related("capacity").order_by("capacity__number")
        ],
    }


def _interview(r: Registration) -> dict[str, Any] | None:
    interview = getattr(r, "interview", None)
    if interview is None:
        return None
    return {
        "date": _iso(interview.date),
        "general_notes": interview.general_notes,
        "notes": [
            {"capacity": n.capacity.number, "notes": n.notes}
            for n in interview.notes.select_related("capacity").order_by("capacity__number")
        ],
    }


def _results(r: Registration) -> dict[str, Any] | None:
    sheet = getattr(r, "result_sheet", None)
    if sheet is None:
        return None
    return {
        "status": sheet.status,
        "validated_at": _iso(sheet.validated_at),
        "capacities": [
            {
                "capacity": c.capacity.number,
                "outcome": c.outcome,
                "justification": c.justification,
                "source": c.source,
                "valid_until": _iso(c.valid_until),
            }
            for c in sheet.results.select_related("capacity").order_by("capacity__number")
        ],
    }


def _audit(entries: QuerySet[AuditEntry]) -> list[dict[str, Any]]:
    listed = audit_redacted(entries.select_related("actor").order_by("at", "pk"))
    return [
        {
            "at": _iso(entry.at),
            "action": entry.action,
            "label": str(registry.events[entry.action].label)
            if entry.action in registry.events
            else entry.action,
            "actor": entry.actor.email if entry.actor else None,
            "object": entry.object_repr,
            "data": entry.data,
        }
        for entry in listed
    ]


def _account(email: str, centre_ids: list[int] | None) -> dict[str, Any] | None:
    user = get_user_model().objects.filter(email__iexact=email).first()
    if user is None:
        return None
    memberships = user.centre_memberships.select_related("centre")
    audit = Q(object_type=user._meta.label_lower, object_id=str(user.pk))
    if centre_ids is not None:
        memberships = memberships.filter(centre_id__in=centre_ids)
        audit &= Q(centre_id__in=centre_ids)
    return {
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "date_joined": _iso(user.date_joined),
        "last_login": _iso(user.last_login),
        "is_active": user.is_active,
        "memberships": [
            {"centre": m.centre.name, "role": m.role, "college": m.college}
            for m in memberships.order_by("centre__name", "role")
        ],
        "audit": _audit(AuditEntry.objects.filter(audit)),
    }

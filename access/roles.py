"""One function per relation that gives rights: `grants(user) -> {action: filter}`.

Each function answers with the filters of the rows the user reaches through that relation, or an
empty dict when the user does not hold it; it makes no query beyond its facts
(`_staff_centre_ids`, read once: cqpm.core.access caches the grants on the user object). A
filter built of querysets is given as a function that builds it: cqpm.core.access calls it only
when its action is asked, once per request.
`_everyone(user)` is the stand-in of cqpm.core.access.table(): answer with every action the
role may give, without reading the database. How to add a role: see the
docstring of cqpm/core/access.py.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from candidates.models import Candidate, CentreMembership, Registration
from cqpm.core.access import Grants, HeldRows, User, register_role
from deliberations.models import JuryMember
from evaluations.models import CommissionAssignment, CompanyOpinion, EvaluationDossier

EVERY_ROW = Q(pk__isnull=False)  # not Q(): an empty Q vanishes when OR-ed with another role's


def _everyone(user: User) -> bool:
    return getattr(user, "everyone", False)


def _staff_centre_ids(user: User) -> list[int]:
    """Ids of the centres where the user is staff (one query; read once per user object: the
    memberships the TOTP check of the request already read, when the user object has them)."""
    roles = getattr(user, "membership_roles", None)
    if roles is not None:
        return [centre for role, centre in roles if role == CentreMembership.Role.STAFF]
    return list(
        CentreMembership.objects.filter(user=user.pk, role=CentreMembership.Role.STAFF).values_list(
            "centre_id", flat=True
        )
    )


def centre_staff(user: User) -> Grants:
    """Staff of an exam centre: everything of the campaigns of their centres."""
    ids = [0] if _everyone(user) else _staff_centre_ids(user)
    if not ids:
        return {}
    in_centres = Q(campaign__centre_id__in=ids)
    of_registration = Q(registration__campaign__centre_id__in=ids)
    of_session = Q(jury_session__campaign__centre_id__in=ids)
    return {
        "centre.manage": Q(pk__in=ids),
        "statistics.read": Q(pk__in=ids),
        "campaign.manage": Q(centre_id__in=ids),
        "cdc.export": Q(centre_id__in=ids),
        "registration.manage": in_centres,
        "registration.evaluate": in_centres,
        "registration.evidence": in_centres,
        "report.download": of_registration,
        "commission_session.manage": in_centres,
        "jury_session.view": in_centres,
        "jury_session.manage": in_centres,
        "jury_session.sign": in_centres,
        "document.manage": of_session,
        "document_batch.manage": of_session,
        "pack.manage": Q(session__campaign__centre_id__in=ids),
        "correction.decide": of_registration,
        "pack_sending.manage": Q(pack__session__campaign__centre_id__in=ids),
        "person.manage": Q(registrations__campaign__centre_id__in=ids),
        "retention.read": Q(centre_id__in=ids),
        "endpoint.manage": Q(centre_id__in=ids),
        "delivery.manage": Q(endpoint__centre_id__in=ids),
    }


def resource_centre(user: User) -> Grants:
    """The resource centre: the dossiers submitted to it and those it reviewed."""
    if not (_everyone(user) or getattr(user, "is_reviewer", False)):
        return {}
    submitted = Q(status=EvaluationDossier.Status.SUBMITTED)
    return {"dossier.review": submitted | Q(reviewed_by=user.pk)}


def company_respondent(user: User) -> Grants:
    """A tutor or manager designated to give the company's opinion: those opinions only."""
    return {"opinion.answer": Q(respondent=user.pk)}


def evaluator(user: User) -> Grants:
    """An evaluator of commission sessions: their registrations, never one of their own company.
    (The filters are built when asked: most pages ask none of these actions.)"""

    def seated(registration: str = "pk") -> Q:
        return Q(
            Exists(
                CommissionAssignment.objects.filter(
                    registration_id=OuterRef(registration), session__evaluators=user.pk
                )
            )
        )

    def evaluate() -> Q:
        own_companies = CentreMembership.objects.filter(
            user=user.pk, role=CentreMembership.Role.EVALUATOR, company__isnull=False
        ).values("company_id")
        return seated() & ~Q(company_id__in=own_companies)

    return {
        "registration.evaluate": evaluate,
        "registration.evidence": seated,
        "interview.record": seated,
        "report.download": lambda: seated("registration_id"),
    }


def jury_member(user: User) -> Grants:
    """A member of jury sessions: those sessions; present members record decisions."""

    def seats(**present: bool) -> Q:
        return Q(pk__in=JuryMember.objects.filter(user=user.pk, **present).values("session_id"))

    return {
        "jury_session.view": seats,
        "jury_session.record": lambda: seats(present=True),
    }


def jury_president(user: User) -> Grants:
    """The president of a jury session: records its attendance sheet, opens and closes its
    deliberation, and amends its decisions afterwards."""

    def presided(field: str = "pk__in") -> Q:
        sessions = JuryMember.objects.filter(user=user.pk, is_president=True)
        return Q(**{field: sessions.values("session_id")})

    return {
        "jury_session.sign": presided,
        "jury_session.close": presided,
        "jury_session.amend": presided,
        "decision.amend": lambda: presided("session_id__in"),
    }


def candidate(user: User) -> Grants:
    """A candidate: their own registrations, convocations and documents, at every centre."""
    return {
        "registration.own": Q(candidate__account=user.pk),
        "convocation.answer": Q(registration__candidate__account=user.pk),
        "document.take_away": Q(registration__candidate__account=user.pk),
    }


def branch(user: User) -> Grants:
    """The branch (CPNEFP, GTP « Certifications »): statistics of every centre, the packs sent,
    and the RNCP registration of the referentials it certifies (code, end, blocks' codes)."""
    if not (_everyone(user) or getattr(user, "is_branch", False)):
        return {}
    return {
        "statistics.read": EVERY_ROW,
        "pack.receive": EVERY_ROW,
        "referential.rncp": EVERY_ROW,
    }


ROLES = (
    ("staff", centre_staff, _("personnel d'un centre d'examen")),
    ("reviewer", resource_centre, _("centre de ressource")),
    ("respondent", company_respondent, _("tuteur ou répondant de l'entreprise")),
    ("evaluator", evaluator, _("évaluateur d'une commission")),
    ("jury_member", jury_member, _("membre d'un jury")),
    ("jury_president", jury_president, _("président d'un jury")),
    ("candidate", candidate, _("candidat")),
    ("branch", branch, _("branche (CPNEFP, GTP « Certifications »)")),
)
SEATED = {"respondent", "evaluator", "jury_member", "jury_president"}  # held through seat rows
PERSONAL = {"candidate"}  # one's own things: who holds them is read from their rows (HELD)
# The rows through which a person holds a role the menu shows (cqpm.core.access.holds_role: one
# query for all); an evaluator is held through a centre membership, which the frame has read.
HELD: dict[str, HeldRows] = {
    "candidate": lambda: Candidate.objects.filter(account=OuterRef("pk")),
    "respondent": lambda: CompanyOpinion.objects.filter(respondent=OuterRef("pk")).exclude(
        registration__stage=Registration.Stage.WITHDRAWN
    ),
    "jury_member": lambda: JuryMember.objects.filter(user=OuterRef("pk")),
}


def register() -> None:
    for order, (name, grants, label) in enumerate(ROLES):
        register_role(
            name,
            grants,
            label=label,
            order=order * 10,
            seated=name in SEATED,
            personal=name in PERSONAL,
            held=HELD.get(name),
        )

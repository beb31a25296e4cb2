"""The company opinion: staff name the respondent (invited if new), who drafts and submits it
capacity by capacity; staff may reopen it; daily reminders (DESIGN.md §5.3). Audit codes
`cqpm.opinion.*`."""

import datetime
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TypedDict, final

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.invitations import invitation_url
from accounts.models import User
from accounts.services import account_find_or_invite
from candidates.lifecycle import ALLOWED, Activity
from candidates.models import Campaign, Registration
from cqpm.core.audit import audit_log
from cqpm.core.errors import ConcurrentUpdate, DomainError
from cqpm.core.mail import send_templated
from cqpm.core.models import AuditEntry
from cqpm.core.workflow import transition
from referentials.models import Criterion

from ..models import (
    CompanyOpinion,
    OpinionCapacity,
    OpinionCriterion,
    OpinionReminder,
    Rating,
)
from ._common import (
    advance_stage,
    centre_id_of,
    ensure_active,
    ensure_campaign_allows,
    ensure_staff_of,
)
from ._mail import absolute_url

Status = CompanyOpinion.Status
REMINDER_HORIZON_DAYS = 7


@dataclass(frozen=True)
class Answer:
    rating: str = ""
    comment: str = ""


@dataclass(frozen=True)
class OpinionAnswers:
    overall_comment: str = ""
    capacities: Mapping[int, Answer] = field(default_factory=dict)
    criteria: Mapping[int, Answer] = field(default_factory=dict)


# What the audit entries of an opinion keep of each save (their `changes`), read back to tell a
# stale form who changed what.
class Rated(TypedDict):
    rating: str
    comment: str


@final
class CapacityChange(TypedDict):
    capacity_id: int
    capacity: int | None  # its number in the referential
    before: Rated | None
    after: Rated


class CommentChange(TypedDict):
    before: str
    after: str


@final
class OverallCommentChange(TypedDict):
    overall_comment: CommentChange


OpinionChange = CapacityChange | OverallCommentChange


class OpinionEntry(TypedDict):
    """One audit entry of the opinion, as the conflict message describes it."""

    action: str
    who: str
    at: datetime.datetime
    changes: list[OpinionChange]
    reason: str


# --- Respondent ---------------------------------------------------------------------------------


def _clean_email(email: str) -> str:
    email = email.strip().lower()
    try:
        validate_email(email)
    except ValidationError as exc:
        raise DomainError(_("L'adresse e-mail du répondant est invalide.")) from exc
    return email


def _account_for(
    *, email: str, first_name: str, last_name: str, by: User, registration: Registration
) -> User:
    # No welcome mail: the respondent's invitation (below) carries the one-time link.
    user, _created = account_find_or_invite(
        email=email,
        first_name=first_name,
        last_name=last_name,
        by=by,
        welcome=False,
        registration_id=registration.pk,
        centre_id=centre_id_of(registration),
    )
    return user


def opinion_assign_respondent(
    *,
    registration: Registration,
    email: str,
    role: str,
    by: User,
    first_name: str = "",
    last_name: str = "",
) -> CompanyOpinion:
    """Name who gives the company opinion (invited by e-mail if new) while the campaign allows
    it; refused once submitted."""
    ensure_staff_of(by, centre_id_of(registration))
    ensure_campaign_allows(registration, Activity.RESPONDENT)
    ensure_active(registration)
    if role not in CompanyOpinion.RespondentRole.values:
        raise DomainError(_("Choisissez la qualité du répondant."))
    email = _clean_email(email)
    with transaction.atomic():
        Registration.objects.select_for_update().get(pk=registration.pk)
        opinion = (
            CompanyOpinion.objects.select_related("respondent")
            .filter(registration=registration)
            .first()
        )
        if opinion is not None and opinion.is_locked:
            raise DomainError(
                _("L'avis a déjà été transmis : rouvrez-le avant de changer de répondant.")
            )
        user = _account_for(
            email=email,
            first_name=first_name,
            last_name=last_name,
            by=by,
            registration=registration,
        )
        before = (
            {"respondent": opinion.respondent.email, "role": opinion.respondent_role}
            if opinion
            else None
        )
        # The tutor named on the registration's creation was never told: naming them here is
        # their invitation, as the page says.
        never_invited = opinion is not None and not _was_invited(opinion)
        if opinion is None:
            opinion = CompanyOpinion(registration=registration)
        opinion.respondent = user
        opinion.respondent_role = role
        opinion.save()
        audit_log(
            action="cqpm.opinion.respondent_named",
            obj=opinion,
            by=by,
            data={"before": before, "after": {"respondent": user.email, "role": role}},
            registration_id=registration.pk,
            centre_id=centre_id_of(registration),
        )
        if before is None or before["respondent"] != user.email or never_invited:
            transaction.on_commit(lambda: _notify_respondent(opinion.pk))
    return opinion


def _was_invited(opinion: CompanyOpinion) -> bool:
    """Whether staff ever named or re-invited this opinion's respondent (a tutor named on the
    registration's creation is not told until then)."""
    return AuditEntry.objects.filter(
        object_type=CompanyOpinion._meta.label_lower,
        object_id=str(opinion.pk),
        action__in=("cqpm.opinion.respondent_named", "cqpm.opinion.invitation_resent"),
    ).exists()


def opinion_invitation_send(*, registration: Registration, by: User) -> CompanyOpinion:
    """Send or resend the invitation to give the company opinion: the registration's tutor is
    named respondent when nobody is yet (invited by `opinion_assign_respondent`), otherwise the
    current respondent is sent the invitation again; refused once the opinion is submitted."""
    ensure_staff_of(by, centre_id_of(registration))
    ensure_campaign_allows(registration, Activity.RESPONDENT)
    ensure_active(registration)
    with transaction.atomic():
        Registration.objects.select_for_update().get(pk=registration.pk)
        opinion = (
            CompanyOpinion.objects.select_related("respondent")
            .filter(registration=registration)
            .first()
        )
        if opinion is None:
            tutor = registration.tutor
            if tutor is None:
                raise DomainError(
                    _("Aucun tuteur n'est renseigné : désignez d'abord le répondant de l'avis.")
                )
            return opinion_assign_respondent(
                registration=registration,
                email=tutor.email,
                role=CompanyOpinion.RespondentRole.TUTOR,
                by=by,
            )
        if opinion.is_locked:
            raise DomainError(_("L'avis a déjà été transmis : aucune invitation à renvoyer."))
        audit_log(
            action="cqpm.opinion.invitation_resent",
            obj=opinion,
            by=by,
            data={"respondent": opinion.respondent.email},
            registration_id=registration.pk,
            centre_id=centre_id_of(registration),
        )
        transaction.on_commit(lambda: _notify_respondent(opinion.pk))
    return opinion


def _notify_respondent(opinion_pk: int) -> None:
    opinion = CompanyOpinion.objects.select_related(
        "respondent", "registration__candidate", "registration__campaign__centre"
    ).get(pk=opinion_pk)
    user = opinion.respondent
    context = {
        "opinion": opinion,
        "user": user,
        "candidate": opinion.registration.candidate,
        "campaign": opinion.registration.campaign,
        "form_url": absolute_url("evaluations:opinion_form", opinion.pk),
    }
    if not user.has_usable_password():
        context["invitation_url"] = invitation_url(user)
        name, subject = "invitation", _("Invitation : avis de l'entreprise sur un candidat CQPM")
    else:
        name, subject = "respondent_named", _("Un avis d'entreprise vous est demandé")
    send_templated(
        template=f"evaluations/email/{name}", to=user.email, subject=subject, context=context
    )


# --- Drafting and submitting --------------------------------------------------------------------


def _check_answers(opinion: CompanyOpinion, answers: OpinionAnswers) -> None:
    capacity_ids = set(
        opinion.registration.campaign.referential.capacities.values_list("pk", flat=True)
    )
    criterion_ids = set(
        Criterion.objects.filter(capacity_id__in=capacity_ids).values_list("pk", flat=True)
    )
    if not set(answers.capacities) <= capacity_ids or not set(answers.criteria) <= criterion_ids:
        raise DomainError(_("Capacité ou critère inconnu pour le référentiel de cette campagne."))
    for answer in [*answers.capacities.values(), *answers.criteria.values()]:
        if answer.rating and answer.rating not in Rating.values:
            raise DomainError(_("Appréciation inconnue."))


def _write_answers(opinion: CompanyOpinion, answers: OpinionAnswers) -> list[OpinionChange]:
    """Write the answers; return what changed, capacity by capacity (kept in the audit entry, so
    a stale form can be told who changed what).

    The opinion is locked (`_locked_for_writing`): its rows are read once and only those that
    differ are written, in one statement per kind (created, updated, deleted), not one
    update_or_create (SELECT … FOR UPDATE, SAVEPOINT, UPDATE) per capacity and criterion."""
    current = {row.capacity_id: row for row in opinion.capacities.order_by()}
    numbers = dict(opinion.registration.campaign.referential.capacities.values_list("pk", "number"))
    changes: list[OpinionChange] = []
    new_capacities: list[OpinionCapacity] = []
    changed_capacities: list[OpinionCapacity] = []
    for capacity_id, answer in answers.capacities.items():
        row = current.get(capacity_id)
        before: Rated | None = {"rating": row.rating, "comment": row.comment} if row else None
        after: Rated = {"rating": answer.rating, "comment": answer.comment.strip()}
        if before != after and (before is not None or any(after.values())):
            changes.append(
                {
                    "capacity_id": capacity_id,
                    "capacity": numbers.get(capacity_id),
                    "before": before,
                    "after": after,
                }
            )
        if row is None:  # a row for every capacity, answered or not, as before
            new_capacities.append(
                OpinionCapacity(opinion=opinion, capacity_id=capacity_id, **after)
            )
        elif before != after:
            row.rating, row.comment = after["rating"], after["comment"]
            changed_capacities.append(row)
    OpinionCapacity.objects.bulk_create(new_capacities)
    OpinionCapacity.objects.bulk_update(changed_capacities, ["rating", "comment"])
    details = {row.criterion_id: row for row in opinion.criteria.order_by()}
    new_criteria: list[OpinionCriterion] = []
    changed_criteria: list[OpinionCriterion] = []
    emptied: list[int] = []
    for criterion_id, answer in answers.criteria.items():
        rating, comment = answer.rating, answer.comment.strip()
        detail = details.get(criterion_id)
        if not (rating or comment):  # an unanswered criterion keeps no row
            if detail is not None:
                emptied.append(detail.pk)
        elif detail is None:
            new_criteria.append(
                OpinionCriterion(
                    opinion=opinion, criterion_id=criterion_id, rating=rating, comment=comment
                )
            )
        elif (detail.rating, detail.comment) != (rating, comment):
            detail.rating, detail.comment = rating, comment
            changed_criteria.append(detail)
    OpinionCriterion.objects.bulk_create(new_criteria)
    OpinionCriterion.objects.bulk_update(changed_criteria, ["rating", "comment"])
    if emptied:
        OpinionCriterion.objects.filter(pk__in=emptied).delete()
    overall = answers.overall_comment.strip()
    if overall != opinion.overall_comment:
        changes.append({"overall_comment": {"before": opinion.overall_comment, "after": overall}})
    opinion.overall_comment = overall
    return changes


def _locked_for_writing(opinion: CompanyOpinion, *, by: User, revision: int) -> CompanyOpinion:
    if by is None or opinion.respondent_id != by.pk:
        raise DomainError(_("Vous n'êtes pas le répondant de cet avis."), code="forbidden")
    ensure_campaign_allows(opinion.registration, Activity.OPINION)
    locked = CompanyOpinion.objects.select_for_update().get(pk=opinion.pk)
    if locked.is_locked:
        raise DomainError(
            _("Cet avis a déjà été transmis : il ne peut plus être modifié."), code="locked"
        )
    if locked.revision != revision:
        raise OpinionConflict(
            changes=opinion_changes_since(opinion=locked, revision=revision),
            revision=locked.revision,
        )
    return locked


class OpinionConflict(ConcurrentUpdate):
    """The opinion moved on since the form was read; nothing was saved. `changes`: the audit
    entries since then; `revision`: the current one (a form showing the conflict carries it)."""

    def __init__(self, *, changes: list[OpinionEntry], revision: int) -> None:
        described = " ; ".join(_describe_entry(entry) for entry in changes)
        super().__init__(
            _(
                "Cet avis a été modifié entre-temps (dans un autre onglet ou par une autre "
                "personne) : %(changes)s. Rien n'a été enregistré et vos saisies sont conservées "
                "ci-dessous : vérifiez-les puis enregistrez à nouveau."
            )
            % {"changes": described or _("aucun détail")},
            code="conflict",
        )
        self.changes = changes
        self.revision = revision


OPINION_ACTIONS = ("cqpm.opinion.saved", "cqpm.opinion.submitted", "cqpm.opinion.reopened")


def opinion_changes_since(*, opinion: CompanyOpinion, revision: int) -> list[OpinionEntry]:
    """Who did what to the opinion after `revision`, oldest first (from the audit log)."""
    entries = AuditEntry.objects.filter(
        action__in=OPINION_ACTIONS,
        object_type=CompanyOpinion._meta.label_lower,
        object_id=str(opinion.pk),
        data__revision__gt=revision,
    ).select_related("actor")
    return [
        OpinionEntry(
            action=entry.action,
            who=str(entry.actor) if entry.actor else str(_("le système")),
            at=entry.at,
            changes=entry.data.get("changes", []),
            reason=entry.data.get("reason", ""),
        )
        for entry in entries.order_by("at", "id")
    ]


def _rating_text(answer: Rated | None) -> str:
    if not answer or not answer.get("rating"):
        return str(_("sans appréciation"))
    text = str(Rating(answer["rating"]).label)
    return f"{text} « {answer['comment']} »" if answer.get("comment") else text


def _describe_entry(entry: OpinionEntry) -> str:
    when = timezone.localtime(entry["at"]).strftime("%d/%m/%Y à %H:%M")
    head = _("%(who)s, le %(when)s") % {"who": entry["who"], "when": when}
    if entry["action"] == "cqpm.opinion.reopened":
        return _("%(head)s : avis rouvert (%(reason)s)") % {"head": head, "reason": entry["reason"]}
    parts = []
    for change in entry["changes"]:
        if "overall_comment" in change:
            parts.append(
                _("appréciation générale : « %(before)s » → « %(after)s »")
                % change["overall_comment"]
            )
        else:
            parts.append(
                _("capacité %(n)s : %(before)s → %(after)s")
                % {
                    "n": change["capacity"],
                    "before": _rating_text(change["before"]),
                    "after": _rating_text(change["after"]),
                }
            )
    if entry["action"] == "cqpm.opinion.submitted":
        parts.append(str(_("avis transmis")))
    return f"{head} : {', '.join(parts) or _('enregistré sans changement')}"


def _missing_ratings(opinion: CompanyOpinion) -> list[int]:
    rated = set(opinion.capacities.exclude(rating="").values_list("capacity_id", flat=True))
    capacities = opinion.registration.campaign.referential.capacities.all()
    return [c.number for c in capacities if c.pk not in rated]


def opinion_save(
    *, opinion: CompanyOpinion, answers: OpinionAnswers, revision: int, by: User
) -> CompanyOpinion:
    """The respondent saves a draft; refused when locked or stale (`revision`); DomainError."""
    _check_answers(opinion, answers)
    registration = opinion.registration
    with transaction.atomic():
        locked = _locked_for_writing(opinion, by=by, revision=revision)
        changes = _write_answers(locked, answers)
        locked.revision += 1
        locked.save()
        audit_log(
            action="cqpm.opinion.saved",
            obj=locked,
            by=by,
            data={"revision": locked.revision, "changes": changes},
            registration_id=registration.pk,
            centre_id=centre_id_of(registration),
        )
    return locked


def opinion_submit(
    *, opinion: CompanyOpinion, answers: OpinionAnswers, revision: int, by: User
) -> CompanyOpinion:
    """The respondent submits with a rating on every capacity; then locked; DomainError."""
    _check_answers(opinion, answers)
    registration = opinion.registration
    with transaction.atomic():
        locked = _locked_for_writing(opinion, by=by, revision=revision)
        changes = _write_answers(locked, answers)
        missing = _missing_ratings(locked)
        if missing:
            raise DomainError(
                _(
                    "Donnez une appréciation pour chaque capacité avant de transmettre "
                    "(capacités sans appréciation : %(numbers)s). Rien n'a été transmis."
                )
                % {"numbers": ", ".join(str(n) for n in missing)}
            )
        locked.save()
        locked = transition(
            locked,
            to=Status.SUBMITTED,
            by=by,
            action="cqpm.opinion.submitted",
            allowed=CompanyOpinion.TRANSITIONS,
            changes={"submitted_at": timezone.now(), "revision": locked.revision + 1},
            data={"revision": locked.revision + 1, "changes": changes},
            registration_id=registration.pk,
            centre_id=centre_id_of(registration),
        )
        advance_stage(registration=registration, to=Registration.Stage.EVIDENCE, by=by)
    return locked


def opinion_reopen(*, opinion: CompanyOpinion, reason: str, by: User) -> CompanyOpinion:
    """Staff reopen a submitted opinion with a required reason, kept in the history."""
    registration = opinion.registration
    ensure_staff_of(by, centre_id_of(registration))
    ensure_campaign_allows(registration, Activity.OPINION)
    reason = reason.strip()
    if not reason:
        raise DomainError(_("Indiquez le motif de la réouverture."))
    with transaction.atomic():
        locked = CompanyOpinion.objects.select_for_update().get(pk=opinion.pk)
        return transition(
            locked,
            to=Status.DRAFT,
            by=by,
            action="cqpm.opinion.reopened",
            allowed=CompanyOpinion.TRANSITIONS,
            changes={
                "submitted_at": None,
                "reopen_reason": reason,
                "revision": locked.revision + 1,
            },
            data={"reason": reason, "revision": locked.revision + 1},
            registration_id=registration.pk,
            centre_id=centre_id_of(registration),
        )


# --- Reminders ----------------------------------------------------------------------------------


def _due_opinions(today: datetime.date) -> QuerySet[CompanyOpinion]:
    horizon = today + datetime.timedelta(days=REMINDER_HORIZON_DAYS)
    return (
        CompanyOpinion.objects.filter(
            status=Status.DRAFT,
            respondent__is_active=True,
            registration__campaign__opinion_deadline__lte=horizon,
        )
        .exclude(registration__stage=Registration.Stage.WITHDRAWN)
        # Only while the campaign lets the respondent answer (lifecycle.py).
        .filter(registration__campaign__status__in=list(ALLOWED[Activity.OPINION]))
        .select_related(
            "respondent",
            "registration__candidate",
            "registration__campaign__referential",
        )
        .order_by("pk")
    )


def _remind(opinion: CompanyOpinion, *, today: datetime.date) -> bool:
    deadline = opinion.registration.campaign.opinion_deadline
    kind = OpinionReminder.Kind.LATE if deadline < today else OpinionReminder.Kind.DUE_SOON
    with transaction.atomic():
        # Inserted first: the unique constraint makes a second run (or a second worker) skip it.
        _reminder, created = OpinionReminder.objects.get_or_create(
            opinion=opinion, deadline=deadline, kind=kind
        )
        if not created:
            return False
        # Sent inside the transaction: if sending fails, the row goes too and tomorrow retries.
        send_templated(
            template=f"evaluations/email/reminder_{kind}",
            to=opinion.respondent.email,
            subject=_("Rappel : avis de l'entreprise à transmettre avant le %(date)s")
            % {"date": deadline.strftime("%d/%m/%Y")}
            if kind == OpinionReminder.Kind.DUE_SOON
            else _("Avis de l'entreprise en retard (échéance du %(date)s)")
            % {"date": deadline.strftime("%d/%m/%Y")},
            context={
                "opinion": opinion,
                "candidate": opinion.registration.candidate,
                "campaign": opinion.registration.campaign,
                "deadline": deadline,
                "form_url": absolute_url("evaluations:opinion_form", opinion.pk),
            },
        )
    return True


def opinion_reminders_send(*, today: datetime.date | None = None) -> int:
    """E-mail respondents of unsubmitted opinions due within 7 days or late, once per deadline
    and kind; returns how many were sent."""
    today = today or timezone.localdate()
    return sum(_remind(opinion, today=today) for opinion in list(_due_opinions(today)))


def opinion_respondents_from_tutors(
    *, campaign: Campaign, registrations: Sequence[Registration], by: User | None = None
) -> None:
    """Lifecycle reaction (candidates.registrations_created): the tutor given on a registration
    or in the import becomes its company-opinion respondent until staff choose another (no
    e-mail here: staff send the invitations). One INSERT … SELECT whatever the number of rows
    (an import of 10,000 stays within its pinned queries); the registration's own creation
    entry in the audit log already records the tutor."""
    # An import hands its ids without loading its rows (CreatedRegistrations): the SQL below
    # keeps those with a tutor, so the rows are never read here.
    ids = list(getattr(registrations, "ids", None) or [r.pk for r in registrations if r.tutor_id])
    for start in range(0, len(ids), TUTOR_BATCH):
        _respondents_from_tutors(ids[start : start + TUTOR_BATCH])


TUTOR_BATCH = 5000


def opinion_respondent_follows_tutor(
    *, registration: Registration, before: User | None, after: User | None, by: User
) -> None:
    """Lifecycle reaction (candidates: the registration's tutor changed), in its transaction: an
    opinion still answered by the former tutor passes to the new one; one staff chose another
    respondent for, or already submitted, stays as it is. The new tutor is invited (after
    commit) when the former one had been; otherwise staff invite them as before."""
    opinion = (
        CompanyOpinion.objects.select_for_update().filter(registration=registration.pk).first()
    )
    if opinion is None:
        if after is not None:
            _respondents_from_tutors([registration.pk])
        return
    if (
        after is None
        or opinion.is_locked
        or before is None
        or opinion.respondent_id != before.pk
        or opinion.respondent_role != CompanyOpinion.RespondentRole.TUTOR
    ):
        return
    invited = _was_invited(opinion)
    opinion.respondent = after
    opinion.save(update_fields=["respondent", "updated_at"])
    audit_log(
        action="cqpm.opinion.respondent_named"
        if invited
        else "cqpm.opinion.respondent_followed_tutor",
        obj=opinion,
        by=by,
        data={
            "before": {"respondent": before.email, "role": opinion.respondent_role},
            "after": {"respondent": after.email, "role": opinion.respondent_role},
        },
        registration_id=registration.pk,
        centre_id=centre_id_of(registration),
    )
    if invited:
        transaction.on_commit(lambda: _notify_respondent(opinion.pk))


def _respondents_from_tutors(ids: list[int]) -> None:
    opinions = CompanyOpinion._meta.db_table
    table = Registration._meta.db_table
    now = timezone.now()
    marks = ", ".join(["%s"] * len(ids))
    sql = (
        f"INSERT INTO {opinions} (created_at, updated_at, registration_id, respondent_id, "  # noqa: S608  # nosec B608 - table names from _meta, values bound
        "respondent_role, status, overall_comment, submitted_at, revision, reopen_reason) "
        f"SELECT %s, %s, r.id, r.tutor_id, %s, %s, '', NULL, 0, '' FROM {table} r "
        f"WHERE r.id IN ({marks}) AND r.tutor_id IS NOT NULL AND NOT EXISTS "
        f"(SELECT 1 FROM {opinions} o WHERE o.registration_id = r.id)"
    )
    params: list[datetime.datetime | str] = [
        now,
        now,
        CompanyOpinion.RespondentRole.TUTOR.value,
        CompanyOpinion.Status.DRAFT.value,
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, *ids])

"""What each campaign status allows: one declaration, one guard, for every entry point.

`ALLOWED` maps each activity to the campaign statuses in which it may happen (DESIGN.md §8,
docs/LIFECYCLE.md). Every service of every app calls `campaign_ensure_allows(campaign=...,
activity=...)` before writing, so the page, the import command, the admin, a Celery task and the
API meet the same refusal: a French DomainError naming the campaign's status and what to do.
Pages ask `campaign_allows()` to decide which actions to offer, never a second copy of the rules.
"""

import dataclasses
from enum import StrEnum

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cqpm.core.confirmation import Readiness
from cqpm.core.errors import DomainError

from .models import Campaign, Registration

S = Campaign.Status


class Activity(StrEnum):
    CALENDAR = "calendar"
    REGISTER = "register"
    LATE_REGISTER = "late_register"
    REGISTRATION_EDIT = "registration_edit"
    WITHDRAW = "withdraw"
    DOSSIER = "dossier"
    RESPONDENT = "respondent"
    REPORT = "report"
    OPINION = "opinion"
    INTERVIEW = "interview"
    RESULTS = "results"
    RESULT_CORRECTION = "result_correction"
    COMMISSION_PLANNING = "commission_planning"
    JURY_PLANNING = "jury_planning"
    DELIBERATION = "deliberation"
    AMENDMENT = "amendment"
    DOCUMENTS = "documents"


_BEFORE_JURY = frozenset({S.PLANNED, S.OPEN, S.IN_PROGRESS})

ALLOWED: dict[Activity, frozenset[str]] = {
    # The calendar (and, before any registration, the referential version) until the jury ends.
    Activity.CALENDAR: frozenset({S.PLANNED, S.OPEN, S.IN_PROGRESS, S.JURY}),
    # Registrations and imports while open; once evaluations started, only with a reason.
    Activity.REGISTER: frozenset({S.OPEN}),
    Activity.LATE_REGISTER: frozenset({S.IN_PROGRESS}),
    Activity.REGISTRATION_EDIT: frozenset({S.OPEN, S.IN_PROGRESS, S.JURY}),
    Activity.WITHDRAW: frozenset({S.OPEN, S.IN_PROGRESS, S.JURY}),
    # Dossiers drafted → approved and tutors invited while open, and still during evaluations.
    Activity.DOSSIER: frozenset({S.OPEN, S.IN_PROGRESS}),
    Activity.RESPONDENT: frozenset({S.OPEN, S.IN_PROGRESS}),
    # Evidence and the commission's results once evaluations are in progress.
    Activity.REPORT: frozenset({S.IN_PROGRESS}),
    Activity.OPINION: frozenset({S.IN_PROGRESS}),
    Activity.INTERVIEW: frozenset({S.IN_PROGRESS}),
    Activity.RESULTS: frozenset({S.IN_PROGRESS}),
    # At the jury a result changes only through the commission's reasoned correction.
    Activity.RESULT_CORRECTION: frozenset({S.IN_PROGRESS, S.JURY}),
    # Commissions and juries may be planned from the start.
    Activity.COMMISSION_PLANNING: _BEFORE_JURY,
    Activity.JURY_PLANNING: _BEFORE_JURY | {S.JURY},
    Activity.DELIBERATION: frozenset({S.JURY}),
    # Once closed: the president's amendments and the documents they bring, nothing else.
    Activity.AMENDMENT: frozenset({S.JURY, S.CLOSED}),
    Activity.DOCUMENTS: frozenset({S.JURY, S.CLOSED}),
}

# The stages a registration may stand at under each campaign status (what the activities above
# let it reach): demo and bench data follow it, so no row sits where the campaign allows none.
_ST = Registration.Stage
_EARLY = (_ST.REGISTERED, _ST.DOSSIER, _ST.WITHDRAWN)
_EVALUATED = (*_EARLY, _ST.EVIDENCE, _ST.COMMISSION)
_ALL = tuple(Registration.STAGE_ORDER)
STAGES_ALLOWED: dict[str, frozenset[str]] = {
    S.PLANNED: frozenset(),
    S.OPEN: frozenset(_EARLY),
    S.IN_PROGRESS: frozenset(_EVALUATED),
    S.JURY: frozenset(_ALL),
    S.CLOSED: frozenset(_ALL),
    S.CANCELLED: frozenset(_ALL),
}


def stages_allowed(*, campaign: Campaign) -> list[str]:
    """The stages a registration of the campaign may stand at now, in workflow order."""
    allowed = STAGES_ALLOWED.get(campaign.status, frozenset())
    return [stage for stage in Registration.STAGE_ORDER if stage in allowed]


# What refusing each activity says it was, with its preposition: "… avant <verb>".
VERBS = {
    Activity.CALENDAR: gettext_lazy("de modifier la campagne"),
    Activity.REGISTER: gettext_lazy("d'inscrire des candidats"),
    Activity.LATE_REGISTER: gettext_lazy("d'inscrire des candidats"),
    Activity.REGISTRATION_EDIT: gettext_lazy("de modifier une inscription"),
    Activity.WITHDRAW: gettext_lazy("de désinscrire un candidat"),
    Activity.DOSSIER: gettext_lazy("de préparer ou d'examiner un dossier d'évaluation"),
    Activity.RESPONDENT: gettext_lazy("de désigner le répondant de l'avis de l'entreprise"),
    Activity.REPORT: gettext_lazy("de déposer un rapport"),
    Activity.OPINION: gettext_lazy("de remplir ou de rouvrir l'avis de l'entreprise"),
    Activity.INTERVIEW: gettext_lazy("d'enregistrer un entretien"),
    Activity.RESULTS: gettext_lazy("d'enregistrer les résultats de la commission"),
    Activity.RESULT_CORRECTION: gettext_lazy("de corriger un résultat de la commission"),
    Activity.COMMISSION_PLANNING: gettext_lazy("d'organiser les commissions d'évaluation"),
    Activity.JURY_PLANNING: gettext_lazy("d'organiser les jurys"),
    Activity.DELIBERATION: gettext_lazy("de délibérer"),
    Activity.AMENDMENT: gettext_lazy("de rectifier une décision du jury"),
    Activity.DOCUMENTS: gettext_lazy("de générer les documents"),
}

# How docs/LIFECYCLE.md names each activity (its table is generated by `markdown_table()`).
LABELS = {
    Activity.CALENDAR: "Calendrier, version du référentiel (avant toute inscription)",
    Activity.REGISTER: "Inscriptions et imports",
    Activity.LATE_REGISTER: "Inscription tardive, avec un motif enregistré",
    Activity.REGISTRATION_EDIT: "Correction d'une inscription",
    Activity.WITHDRAW: "Désinscription (avant la décision du jury)",
    Activity.DOSSIER: "Dossiers d'évaluation : brouillon → soumis → approuvé / renvoyé",
    Activity.RESPONDENT: "Désignation et invitation du répondant (tuteur)",
    Activity.REPORT: "Rapports des candidats",
    Activity.OPINION: "Avis de l'entreprise (saisie, transmission, réouverture)",
    Activity.INTERVIEW: "Entretiens",
    Activity.RESULTS: "Résultats de la commission (saisie, validation)",
    Activity.RESULT_CORRECTION: "Correction motivée d'un résultat validé",
    Activity.COMMISSION_PLANNING: "Commissions planifiées (date, évaluateurs, candidats)",
    Activity.JURY_PLANNING: "Jurys planifiés (date, membres, candidats)",
    Activity.DELIBERATION: "Émargement, délibération, décisions, clôture du jury",
    Activity.AMENDMENT: "Rectification d'une décision par le président",
    Activity.DOCUMENTS: "Documents (attestations, notifications, PV)",
}

# The order a campaign goes through; cancelled stands apart.
ORDER = [S.PLANNED, S.OPEN, S.IN_PROGRESS, S.JURY, S.CLOSED]

STATE_PHRASES = {
    S.PLANNED: gettext_lazy("est planifiée"),
    S.OPEN: gettext_lazy("a ses inscriptions ouvertes"),
    S.IN_PROGRESS: gettext_lazy("est en cours d'évaluation"),
    S.JURY: gettext_lazy("est à l'étape du jury"),
    S.CLOSED: gettext_lazy("est clôturée"),
    S.CANCELLED: gettext_lazy("est annulée"),
}

# What staff do to reach a status (the label of its button, as an imperative).
TO_REACH = {
    S.OPEN: gettext_lazy("ouvrez les inscriptions"),
    S.IN_PROGRESS: gettext_lazy("démarrez les évaluations"),
    S.JURY: gettext_lazy("passez la campagne à l'étape du jury"),
    S.CLOSED: gettext_lazy("clôturez la campagne"),
}


def campaign_next_statuses(*, campaign: Campaign) -> list[str]:
    """The moves the map allows now, for the buttons: back to Planifiée only while nobody is
    registered (a planned campaign holds no registration)."""
    moves = campaign.next_statuses
    if S.PLANNED in moves and campaign.registrations.exists():
        moves.remove(S.PLANNED)
    return moves


def campaign_allows(*, campaign: Campaign, activity: Activity | str) -> bool:
    """Whether the campaign's status allows the activity (reads only: pages draw from it)."""
    return campaign.status in ALLOWED[Activity(activity)]


def allowed_statuses(activity: Activity | str) -> list[str]:
    """The statuses that allow the activity, in campaign order (for docs and messages)."""
    allowed = ALLOWED[Activity(activity)]
    return [status for status in [*ORDER, S.CANCELLED] if status in allowed]


def refusal_message(*, campaign: Campaign, activity: Activity | str) -> str:
    """« La campagne « X » est planifiée : ouvrez les inscriptions avant d'inscrire des
    candidats. » — the status, then what to do (or that it is no longer possible)."""
    activity = Activity(activity)
    verb = str(VERBS[activity])
    state = str(STATE_PHRASES.get(campaign.status, campaign.status))
    head = _("La campagne « %(name)s » %(state)s") % {"name": campaign.name, "state": state}
    if campaign.status in (S.CLOSED, S.CANCELLED):
        return _("%(head)s : elle est en lecture seule, il n'est plus possible %(verb)s.") % {
            "head": head,
            "verb": verb,
        }
    later = [s for s in allowed_statuses(activity) if s in ORDER]
    position = ORDER.index(campaign.status)
    ahead = [s for s in later if ORDER.index(s) > position]
    if ahead:
        return _("%(head)s : %(todo)s avant %(verb)s.") % {
            "head": head,
            "todo": TO_REACH[ahead[0]],
            "verb": verb,
        }
    return _("%(head)s : il n'est plus possible %(verb)s.") % {"head": head, "verb": verb}


def campaign_ensure_allows(*, campaign: Campaign, activity: Activity | str) -> None:
    """Raise a French DomainError (code "campaign_status") unless the status allows it.

    Inside a transaction (every write service checks there) the campaign's row is locked and
    its status read afresh: a status change at the same instant waits for the write, or the
    write sees the new status and is refused; it never slips through between check and write."""
    if campaign.pk is not None and transaction.get_connection().in_atomic_block:
        campaign.status = (
            Campaign.objects.select_for_update()
            .values_list("status", flat=True)
            .get(pk=campaign.pk)
        )
    if not campaign_allows(campaign=campaign, activity=activity):
        raise DomainError(
            refusal_message(campaign=campaign, activity=activity), code="campaign_status"
        )


def readiness_within_campaign(
    readiness: Readiness, *, campaign: Campaign, activity: Activity | str
) -> Readiness:
    """The confirmation of a step refused, before the click, when the campaign's status does
    not allow it (the refusal the service would give), else `readiness` as it is."""
    if campaign_allows(campaign=campaign, activity=activity):
        return readiness
    message = refusal_message(campaign=campaign, activity=activity)
    return dataclasses.replace(
        readiness, missing=[message, *readiness.missing], blocking=True, refusal=message
    )


def registration_mode(*, campaign: Campaign) -> str | None:
    """ "open" when registrations are accepted, "late" when only with a reason, else None."""
    if campaign_allows(campaign=campaign, activity=Activity.REGISTER):
        return "open"
    if campaign_allows(campaign=campaign, activity=Activity.LATE_REGISTER):
        return "late"
    return None


def campaign_ensure_accepts_registration(*, campaign: Campaign, late_reason: str = "") -> str:
    """Registrations while open; during evaluations only with a reason (returned, stripped)."""
    mode = registration_mode(campaign=campaign)
    if mode == "open":
        return ""
    if mode == "late":
        reason = (late_reason or "").strip()
        if not reason:
            raise DomainError(
                _(
                    "La campagne « %(name)s » est en cours d'évaluation : une inscription "
                    "tardive exige un motif. Indiquez-le pour inscrire ce candidat."
                )
                % {"name": campaign.name},
                code="late_reason_required",
                field="late_reason",
            )
        return reason
    raise DomainError(
        refusal_message(campaign=campaign, activity=Activity.REGISTER), code="campaign_status"
    )


def markdown_table() -> str:
    """The table of docs/LIFECYCLE.md, generated from ALLOWED (a test holds them equal)."""
    statuses = [*ORDER, S.CANCELLED]
    head = "| Activité | " + " | ".join(str(S(s).label) for s in statuses) + " |"
    rule = "|---|" + "|".join(":-:" for _ in statuses) + "|"
    rows = [
        f"| {LABELS[activity]} | "
        + " | ".join("✔" if s in ALLOWED[activity] else "—" for s in statuses)
        + " |"
        for activity in Activity
    ]
    return "\n".join([head, rule, *rows])

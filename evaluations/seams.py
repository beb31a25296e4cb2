"""What the evaluations app declares in the registry (cqpm.core.registry)."""

from django.utils.translation import gettext_lazy as _

from cqpm.core.registry import (
    declare_event,
    declare_labels,
    react,
    register_bulk_action,
    register_campaign_tab,
    register_demo_seeder,
    register_home_tasks,
    register_missing_filter,
    register_nav,
    register_section,
)

from . import events
from .events import COMMISSION_SESSION_DATED  # noqa: F401 - reacted to


def register() -> None:
    from candidates.events import (
        CAMPAIGN_CALENDAR_CHANGED,
        REGISTRATION_TUTOR_CHANGED,
        REGISTRATIONS_CREATED,
    )

    from . import bulk, demo, home, list_filters, nav, sections
    from .models import EvaluationDossier
    from .services.commissions import commission_sessions_check_calendar
    from .services.opinions import opinion_respondent_follows_tutor, opinion_respondents_from_tutors
    from .services.reports import reports_recompute_late

    events.declare()
    # First of the calendar's reactions: commissions come before the juries that follow them.
    react(
        CAMPAIGN_CALENDAR_CHANGED,
        commission_sessions_check_calendar,
        uid="evaluations.commission_dates",
        order=10,
    )
    # The reports' « remis en retard » follows a report deadline that moves.
    react(
        CAMPAIGN_CALENDAR_CHANGED,
        reports_recompute_late,
        uid="evaluations.report_late_flags",
        order=15,
    )
    # The registration's tutor is its company-opinion respondent unless staff choose another.
    react(
        REGISTRATIONS_CREATED,
        opinion_respondents_from_tutors,
        uid="evaluations.tutor_respondent",
        order=20,
    )
    # ... and stays so when staff change the tutor, until they choose someone else.
    react(
        REGISTRATION_TUTOR_CHANGED,
        opinion_respondent_follows_tutor,
        uid="evaluations.respondent_follows_tutor",
        order=10,
    )
    register_nav("evaluations", nav.items, order=30)
    register_bulk_action(bulk.DOSSIER_APPROVE)
    register_bulk_action(bulk.OPINION_INVITATIONS)
    register_campaign_tab("evaluations", nav.campaign_tabs, order=30)
    register_section("evaluations", sections.registration_section, order=30)
    register_demo_seeder("evaluations", demo.seed, order=30)
    for position, (name, label) in enumerate(MISSING_FILTERS):
        register_missing_filter(name, label, getattr(list_filters, name), order=30 + position)
    register_home_tasks("evaluations", home.tasks, order=30)
    for code, label, sentence in EVENTS:
        declare_event(code, label, sentence)
    declare_labels(
        fields={
            "respondent": _("Répondant"),
            "revision": _("Révision"),
            "version": _("Version"),
            "is_late": _("Remis en retard"),
            "size": _("Taille (octets)"),
            "evaluator": _("Évaluateur"),
            "session": _("Séance"),
            "date": _("Date"),
            "place": _("Lieu"),
            "methods": _("Modalités"),
            "held_on": _("Date de l'entretien"),
            "notes": _("Notes"),
            "date_override_reason": _("Motif de la date anticipée"),
            "start_time": _("Heure"),
            "unassigned": _("Candidats désaffectés"),
        },
        values=dict(EvaluationDossier.Status.choices),
    )


EVENTS = [
    (
        "cqpm.dossier.saved",
        _("Dossier d'évaluation enregistré"),
        _("{actor} a enregistré le dossier d'évaluation."),
    ),
    (
        "cqpm.dossier.submitted",
        _("Dossier soumis"),
        _("{actor} a soumis le dossier d'évaluation au centre de ressource."),
    ),
    (
        "cqpm.dossier.resubmitted",
        _("Dossier soumis à nouveau"),
        _("{actor} a soumis à nouveau le dossier d'évaluation au centre de ressource."),
    ),
    (
        "cqpm.dossier.approved",
        _("Dossier approuvé"),
        _("{actor} a approuvé le dossier d'évaluation."),
    ),
    (
        "cqpm.dossier.returned",
        _("Dossier renvoyé"),
        _("{actor} a renvoyé le dossier d'évaluation avec le commentaire : {comment}."),
    ),
    (
        "cqpm.report.uploaded",
        _("Rapport déposé"),
        _("{actor} a déposé une version du rapport du candidat."),
    ),
    (
        "cqpm.account.invited",
        _("Compte invité"),
        _("{actor} a invité {object} à créer son compte."),
    ),
    (
        "cqpm.opinion.invitation_resent",
        _("Invitation renvoyée"),
        _("{actor} a renvoyé l'invitation à donner l'avis de l'entreprise."),
    ),
    (
        "cqpm.opinion.respondent_named",
        _("Répondant désigné"),
        _("{actor} a désigné la personne qui donne l'avis de l'entreprise."),
    ),
    (
        "cqpm.opinion.respondent_followed_tutor",
        _("Répondant remplacé par le nouveau tuteur"),
        _("Le nouveau tuteur de l'inscription donne désormais l'avis de l'entreprise."),
    ),
    (
        "cqpm.opinion.saved",
        _("Avis de l'entreprise enregistré"),
        _("{actor} a enregistré un brouillon de l'avis de l'entreprise."),
    ),
    (
        "cqpm.opinion.submitted",
        _("Avis de l'entreprise envoyé"),
        _("{actor} a envoyé l'avis de l'entreprise, désormais verrouillé."),
    ),
    (
        "cqpm.opinion.reopened",
        _("Avis de l'entreprise rouvert"),
        _("{actor} a rouvert l'avis de l'entreprise (motif : {reason})."),
    ),
    (
        "cqpm.interview.recorded",
        _("Entretien enregistré"),
        _("{actor} a enregistré l'entretien avec le candidat."),
    ),
    (
        "cqpm.interview.updated",
        _("Entretien modifié"),
        _("{actor} a modifié le compte rendu de l'entretien."),
    ),
    (
        "cqpm.commission.session.created",
        _("Commission planifiée"),
        _("{actor} a planifié la commission d'évaluation {object}."),
    ),
    (
        "cqpm.commission.session.rescheduled",
        _("Commission déplacée"),
        _("{actor} a déplacé la commission d'évaluation {object}."),
    ),
    (
        "cqpm.commission.session.updated",
        _("Commission modifiée"),
        _("{actor} a modifié la date, l'heure ou le lieu de la commission d'évaluation {object}."),
    ),
    (
        "cqpm.commission.session.cancelled",
        _("Commission annulée"),
        _("{actor} a annulé la commission d'évaluation {object} (motif : {reason})."),
    ),
    (
        "cqpm.commission.assignment.cancelled",
        _("Commission du candidat annulée"),
        _(
            "{actor} a annulé la commission d'évaluation où le candidat était affecté "
            "(motif : {reason}) ; il sera affecté à une autre commission."
        ),
    ),
    (
        "cqpm.commission.evaluator.added",
        _("Évaluateur ajouté"),
        _("{actor} a ajouté un évaluateur à la commission {object}."),
    ),
    (
        "cqpm.commission.evaluator.removed",
        _("Évaluateur retiré"),
        _("{actor} a retiré un évaluateur de la commission {object}."),
    ),
    (
        "cqpm.commission.assignment.created",
        _("Candidat affecté à une commission"),
        _("{actor} a affecté le candidat à une commission d'évaluation."),
    ),
    (
        "cqpm.commission.assignment.deleted",
        _("Candidat retiré d'une commission"),
        _("{actor} a retiré le candidat de sa commission d'évaluation."),
    ),
]


MISSING_FILTERS = [
    ("no_dossier", _("Sans dossier d'évaluation")),
    ("dossier_not_approved", _("Dossier d'évaluation non approuvé")),
    ("report_missing", _("Rapport du candidat manquant")),
    ("opinion_awaited", _("Avis de l'entreprise attendu")),
]

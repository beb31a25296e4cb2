"""What the deliberations app declares in the registry (cqpm.core.registry), and how it reacts
to the candidates app's lifecycle hook."""

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
    register_registration_link,
    register_section,
)

from . import events
from .events import (  # noqa: F401 - the names other apps react to
    DECISION_AMENDED,
    DECISION_RECORDED,
    JURY_SESSION_CLOSED,
    JURY_SESSION_DATED,
    RESULTS_VALIDATED,
)


def register() -> None:
    from candidates.events import CAMPAIGN_CALENDAR_CHANGED, REGISTRATIONS_CREATED
    from evaluations.events import COMMISSION_SESSION_DATED

    from . import bulk, demo, home, list_filters, nav, sections
    from .models import CapacityResult, Decision, JurySession
    from .services.carry_over import carry_over_on_created
    from .services.juries import jury_sessions_check_calendar, jury_sessions_check_commission

    register_nav("deliberations", nav.items, order=40)
    register_bulk_action(bulk.JURY_SEATING)
    register_campaign_tab("deliberations", nav.campaign_tabs, order=40)
    register_registration_link("deliberations.results", nav.registration_links, order=40)
    register_section("deliberations", sections.registration_section, order=40)
    register_demo_seeder("deliberations", demo.seed, order=40)
    for position, (name, label) in enumerate(MISSING_FILTERS):
        register_missing_filter(name, label, getattr(list_filters, name), order=40 + position)
    register_home_tasks("deliberations", home.tasks, order=40)
    events.declare()
    react(REGISTRATIONS_CREATED, carry_over_on_created, uid="deliberations.carry_over", order=10)
    # After the commissions (10): a jury is checked against the commissions it follows.
    react(
        CAMPAIGN_CALENDAR_CHANGED,
        jury_sessions_check_calendar,
        uid="deliberations.jury_dates",
        order=20,
    )
    react(
        COMMISSION_SESSION_DATED,
        jury_sessions_check_commission,
        uid="deliberations.jury_after_commission",
        order=10,
    )
    for code, label, sentence in EVENTS:
        declare_event(code, label, sentence)
    declare_labels(
        fields={
            "outcome": _("Résultat"),
            "justification": _("Justification"),
            "capacity": _("Capacité"),
            "capacities": _("Capacités"),
            "disagrees_with_opinion": _("Désaccord avec l'avis de l'entreprise"),
            "superseded": _("Décision remplacée"),
            "proposed": _("Décision proposée"),
            "jury_reason": _("Motif du jury"),
            "present": _("Présents"),
            "valid_until": _("Valable jusqu'au"),
            "from": _("Reprise de"),
            "is_president": _("Président"),
            "start_time": _("Heure"),
            "unseated": _("Candidats retirés"),
        },
        values={
            **dict(CapacityResult.Outcome.choices),
            **dict(Decision.Outcome.choices),
            **dict(JurySession.Status.choices),
        },
    )


EVENTS = [
    (
        "cqpm.commission.result.recorded",
        _("Résultat d'une capacité enregistré"),
        _("{actor} a enregistré le résultat de la capacité {capacity}."),
    ),
    (
        "cqpm.commission.result.corrected",
        _("Résultat d'une capacité corrigé"),
        _("{actor} a corrigé le résultat de la capacité {capacity} (motif : {reason})."),
    ),
    (
        "cqpm.commission.result.carried_over",
        _("Capacités reprises d'une session antérieure"),
        _("Les capacités {capacities}, acquises lors d'une session antérieure, sont reprises."),
    ),
    (
        "cqpm.jury.session.created",
        _("Jury planifié"),
        _("{actor} a planifié le jury {object}."),
    ),
    (
        "cqpm.jury.session.rescheduled",
        _("Jury déplacé"),
        _("{actor} a déplacé le jury {object}."),
    ),
    (
        "cqpm.jury.session.updated",
        _("Jury modifié"),
        _("{actor} a modifié la date, l'heure ou le lieu du jury {object}."),
    ),
    (
        "cqpm.jury.session.cancelled",
        _("Jury annulé"),
        _("{actor} a annulé le jury {object} (motif : {reason})."),
    ),
    (
        "cqpm.jury.candidate.cancelled",
        _("Jury du candidat annulé"),
        _(
            "{actor} a annulé le jury {object} où le candidat était présenté (motif : {reason}) ; "
            "il sera présenté à un autre jury."
        ),
    ),
    (
        "cqpm.jury.member.added",
        _("Membre du jury ajouté"),
        _("{actor} a ajouté un membre au jury : {object}."),
    ),
    (
        "cqpm.jury.member.removed",
        _("Membre du jury retiré"),
        _("{actor} a retiré un membre du jury : {object}."),
    ),
    (
        "cqpm.jury.candidate.assigned",
        _("Candidat présenté au jury"),
        _("{actor} a présenté le candidat au jury {object}."),
    ),
    (
        "cqpm.jury.candidate.removed",
        _("Candidat retiré du jury"),
        _("{actor} a retiré le candidat du jury {object}."),
    ),
    (
        "cqpm.jury.attendance.recorded",
        _("Émargement enregistré"),
        _("{actor} a enregistré la feuille d'émargement du jury {object}."),
    ),
    (
        "cqpm.jury.member.recused",
        _("Membre du jury écarté d'une décision"),
        _(
            "Un membre du jury travaille chez {company}, l'entreprise du candidat : il ne prend "
            "pas part à la décision du jury {object}."
        ),
    ),
    (
        "cqpm.jury.deliberation.started",
        _("Délibération ouverte"),
        _("{actor} a ouvert la délibération du jury {object}."),
    ),
]


MISSING_FILTERS = [
    ("no_result", _("Résultats non validés")),
    ("no_decision", _("Sans décision du jury")),
]

"""What the candidates app declares in the registry (cqpm.core.registry): its audit events and
their sentences, the labels of its data, its navigation, its demo seeder and the lifecycle hook
it fires when registrations are created."""

from django.utils.translation import gettext_lazy as _

from cqpm.core.registry import (
    declare_event,
    declare_labels,
    react,
    register_campaign_tab,
    register_demo_seeder,
    register_nav,
)

from . import events
from .events import CAMPAIGN_CALENDAR_CHANGED, REGISTRATIONS_CREATED  # noqa: F401 - reacted to


def register() -> None:
    from referentials.events import VERSION_ARCHIVING

    from . import demo, nav
    from .models import Campaign, Pathway, Registration
    from .services.referential_versions import campaigns_keep_their_version

    register_nav("candidates", nav.items, order=20)
    register_campaign_tab("candidates", nav.campaign_tabs, order=10)
    register_demo_seeder("candidates", demo.seed, order=10)
    events.declare()
    react(VERSION_ARCHIVING, campaigns_keep_their_version, uid="candidates.keep_version", order=10)
    for code, label, sentence in EVENTS:
        declare_event(code, label, sentence)
    declare_labels(
        fields=FIELD_LABELS,
        values={**dict(Pathway.choices), **dict(Campaign.Status.choices)},
    )
    # A registration's stages: in its transitions' before/after, and under the "stage" key.
    for of in ("candidates.registration", "stage"):
        declare_labels(values=dict(Registration.Stage.choices), of=of)


FIELD_LABELS = {
    "candidate": _("Candidat"),
    "pathway": _("Parcours"),
    "registered_on": _("Date d'inscription"),
    "company": _("Entreprise"),
    "tutor": _("Tuteur"),
    "civility": _("Civilité"),
    "last_name": _("Nom"),
    "first_name": _("Prénom"),
    "name": _("Nom"),
    "birth_date": _("Date de naissance"),
    "email": _("E-mail"),
    "phone": _("Téléphone"),
    "address": _("Adresse"),
    "stage": _("Étape"),
    "source": _("Origine"),
    "file": _("Fichier"),
    "registrations": _("Inscriptions"),
    "new_candidates": _("Nouveaux candidats"),
    "new_companies": _("Nouvelles entreprises"),
    "new_tutors": _("Nouveaux tuteurs"),
    "referential": _("Référentiel"),
    "siret": _("SIRET"),
    "user": _("Personne"),
    "role": _("Rôle"),
    "college": _("Collège"),
    "late_reason": _("Motif de l'inscription tardive"),
}

EVENTS = [
    ("cqpm.registration.created", _("Inscription créée"), _("{actor} a inscrit {object}.")),
    (
        "cqpm.registration.created_late",
        _("Inscription tardive"),
        _("{actor} a inscrit {object} après le début des évaluations (motif : {late_reason})."),
    ),
    (
        "cqpm.registration.imported",
        _("Inscription importée"),
        _("{actor} a inscrit {object} par un import de fichier."),
    ),
    (
        "cqpm.registration.updated",
        _("Inscription modifiée"),
        _("{actor} a modifié l'inscription."),
    ),
    (
        "cqpm.registration.withdrawn",
        _("Candidat désinscrit"),
        _("{actor} a désinscrit le candidat (motif : {reason})."),
    ),
    (
        "cqpm.registration.stage_changed",
        _("Changement d'étape"),
        _("L'inscription est passée de l'étape « {before} » à l'étape « {after} »."),
    ),
    (
        "cqpm.candidate.created",
        _("Candidat créé"),
        _("{actor} a enregistré la personne {object}."),
    ),
    (
        "cqpm.candidate.updated",
        _("Coordonnées du candidat modifiées"),
        _("{actor} a modifié les coordonnées du candidat."),
    ),
    ("cqpm.campaign.created", _("Campagne créée"), _("{actor} a créé la campagne {object}.")),
    (
        "cqpm.campaign.replanned",
        _("Campagne replanifiée"),
        _("{actor} a remis la campagne {object} à l'état « Planifiée »."),
    ),
    (
        "cqpm.campaign.opened",
        _("Inscriptions ouvertes"),
        _("{actor} a ouvert les inscriptions de la campagne {object}."),
    ),
    (
        "cqpm.campaign.started",
        _("Évaluations commencées"),
        _("{actor} a lancé les évaluations de la campagne {object}."),
    ),
    (
        "cqpm.campaign.jury_started",
        _("Campagne au jury"),
        _("{actor} a fait passer la campagne {object} à l'étape du jury."),
    ),
    (
        "cqpm.campaign.closed",
        _("Campagne clôturée"),
        _("{actor} a clôturé la campagne {object}."),
    ),
    (
        "cqpm.campaign.cancelled",
        _("Campagne annulée"),
        _("{actor} a annulé la campagne {object}."),
    ),
    (
        "cqpm.campaign.registrations.imported",
        _("Inscriptions importées"),
        _("{actor} a importé {registrations} inscriptions dans la campagne {object}."),
    ),
    (
        "cqpm.centre.updated",
        _("Centre modifié"),
        _("{actor} a modifié la fiche du centre {object}."),
    ),
    (
        "cqpm.centre.membership.added",
        _("Membre ajouté au centre"),
        _("{actor} a rattaché une personne au centre : {object}."),
    ),
    (
        "cqpm.centre.membership.removed",
        _("Membre retiré du centre"),
        _("{actor} a retiré une personne du centre : {object}."),
    ),
    (
        "cqpm.company.created",
        _("Entreprise créée"),
        _("{actor} a enregistré l'entreprise {object}."),
    ),
    (
        "cqpm.account.created",
        _("Compte créé"),
        _("{actor} a créé le compte de {object}."),
    ),
]

"""Every action a person may be granted, on which kind of object (one declaration each)."""

from django.utils.translation import gettext_lazy as _

from cqpm.core.access import declare_action

ACTIONS = (
    ("centre.manage", "candidates.ExamCentre", _("gérer un centre d'examen et ses personnes")),
    ("campaign.manage", "candidates.Campaign", _("gérer une campagne")),
    ("registration.manage", "candidates.Registration", _("gérer une inscription")),
    (
        "registration.evaluate",
        "candidates.Registration",
        _("ouvrir la fiche d'évaluation d'une inscription"),
    ),
    (
        "registration.evidence",
        "candidates.Registration",
        _("consulter les preuves d'une inscription (rapport, entretien)"),
    ),
    (
        "interview.record",
        "candidates.Registration",
        _("enregistrer l'entretien d'un candidat de sa commission"),
    ),
    ("report.download", "evaluations.Report", _("télécharger le rapport d'un candidat")),
    ("dossier.review", "evaluations.EvaluationDossier", _("approuver ou renvoyer un dossier")),
    ("opinion.answer", "evaluations.CompanyOpinion", _("donner l'avis de l'entreprise")),
    (
        "commission_session.manage",
        "evaluations.CommissionSession",
        _("planifier une commission d'évaluation"),
    ),
    ("jury_session.view", "deliberations.JurySession", _("ouvrir une session de jury")),
    (
        "jury_session.manage",
        "deliberations.JurySession",
        _("convoquer et organiser une session de jury"),
    ),
    (
        "jury_session.record",
        "deliberations.JurySession",
        _("enregistrer les décisions d'une session de jury (membre présent)"),
    ),
    (
        "jury_session.sign",
        "deliberations.JurySession",
        _("enregistrer la feuille d'émargement d'un jury et ouvrir sa délibération"),
    ),
    ("jury_session.close", "deliberations.JurySession", _("clore une session de jury")),
    (
        "jury_session.amend",
        "deliberations.JurySession",
        _("modifier les décisions d'une session close (président)"),
    ),
    ("decision.amend", "deliberations.Decision", _("modifier une décision après le jury")),
    ("document.manage", "documents.Document", _("générer et télécharger les documents")),
    (
        "document_batch.manage",
        "documents.DocumentBatch",
        _("générer les documents d'une session"),
    ),
    ("pack.manage", "transmissions.TransmissionPack", _("préparer et envoyer un dossier au GTP")),
    (
        "pack_sending.manage",
        "transmissions.PackSending",
        _("enregistrer l'envoi d'un dossier au GTP"),
    ),
    (
        "pack.receive",
        "transmissions.PackSending",
        _("recevoir les dossiers envoyés au GTP et en accuser réception"),
    ),
    (
        "registration.own",
        "candidates.Registration",
        _("suivre sa propre inscription (rapport, données, résultats)"),
    ),
    (
        "convocation.answer",
        "documents.Convocation",
        _("lire et accuser réception de sa convocation"),
    ),
    (
        "document.take_away",
        "documents.Document",
        _("télécharger son attestation ou sa notification"),
    ),
    (
        "correction.decide",
        "portal.CorrectionRequest",
        _("accepter ou refuser une demande de correction"),
    ),
    ("statistics.read", "candidates.ExamCentre", _("lire les statistiques d'un centre")),
    (
        "person.manage",
        "candidates.Candidate",
        _("exporter, rectifier ou effacer les données d'une personne"),
    ),
    (
        "retention.read",
        "privacy.RetentionItem",
        _("lire le rapport de conservation des données de son centre"),
    ),
    ("endpoint.manage", "webhooks.Endpoint", _("gérer les webhooks d'un centre")),
    (
        "delivery.manage",
        "webhooks.Delivery",
        _("consulter et relancer les livraisons de webhooks"),
    ),
    (
        "referential.rncp",
        "referentials.Referential",
        _("renseigner l'enregistrement RNCP d'un référentiel (code, fin, codes des blocs)"),
    ),
    (
        "cdc.export",
        "candidates.Campaign",
        _("déposer les titulaires d'une campagne à la Caisse des Dépôts"),
    ),
)


def register() -> None:
    for code, model, label in ACTIONS:
        declare_action(code, model=model, label=label)

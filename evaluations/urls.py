from django.urls import path

from .views import commissions, dossiers, interviews, opinions, reports

app_name = "evaluations"

urlpatterns: list = [
    # Staff, per registration.
    path(
        "inscriptions/<int:registration_pk>/dossier/",
        dossiers.dossier_edit,
        name="dossier_edit",
    ),
    path(
        "inscriptions/<int:registration_pk>/dossier/soumettre/",
        dossiers.dossier_submit_view,
        name="dossier_submit",
    ),
    path(
        "inscriptions/<int:registration_pk>/rapport/",
        reports.report_page,
        name="report_page",
    ),
    path(
        "inscriptions/<int:registration_pk>/rapport/<int:pk>/telecharger/",
        reports.report_download,
        name="report_download",
    ),
    path(
        "inscriptions/<int:registration_pk>/avis/",
        opinions.opinion_staff,
        name="opinion_staff",
    ),
    path(
        "inscriptions/<int:registration_pk>/avis/rouvrir/",
        opinions.opinion_reopen_view,
        name="opinion_reopen",
    ),
    path(
        "inscriptions/<int:registration_pk>/entretien/",
        interviews.interview_page,
        name="interview_page",
    ),
    # Staff, per campaign.
    path("campagnes/<int:pk>/dossiers/", dossiers.campaign_dossiers, name="campaign_dossiers"),
    path(
        "campagnes/<int:pk>/commissions/",
        commissions.campaign_commissions,
        name="campaign_commissions",
    ),
    path(
        "campagnes/<int:campaign_pk>/commissions/<int:pk>/",
        commissions.session_detail,
        name="session_detail",
    ),
    path(
        "campagnes/<int:campaign_pk>/commissions/<int:pk>/deplacer/",
        commissions.session_reschedule,
        name="session_reschedule",
    ),
    path(
        "campagnes/<int:campaign_pk>/commissions/<int:pk>/annuler/",
        commissions.session_cancel,
        name="session_cancel",
    ),
    path(
        "campagnes/<int:campaign_pk>/commissions/<int:pk>/evaluateurs/ajouter/",
        commissions.session_add_evaluator,
        name="session_add_evaluator",
    ),
    path(
        "campagnes/<int:campaign_pk>/commissions/<int:pk>/evaluateurs/<int:user_pk>/retirer/",
        commissions.session_remove_evaluator,
        name="session_remove_evaluator",
    ),
    path(
        "campagnes/<int:campaign_pk>/commissions/<int:pk>/candidats/ajouter/",
        commissions.session_assign,
        name="session_assign",
    ),
    path(
        "campagnes/<int:campaign_pk>/commissions/<int:pk>/candidats/<int:assignment_pk>/retirer/",
        commissions.session_unassign,
        name="session_unassign",
    ),
    # Resource centre.
    path("relecture/", dossiers.review_queue, name="review_queue"),
    path("relecture/<int:pk>/", dossiers.review_detail, name="review_detail"),
    path(
        "relecture/<int:pk>/approuver/",
        dossiers.review_decide,
        {"decision": "approve"},
        name="review_approve",
    ),
    path(
        "relecture/<int:pk>/renvoyer/",
        dossiers.review_decide,
        {"decision": "return"},
        name="review_return",
    ),
    # Respondents (tutors, managers).
    path("tuteur/", opinions.tutor_home, name="tutor_home"),
    path("avis/<int:pk>/", opinions.opinion_form, name="opinion_form"),
    # Evaluators.
    path("evaluateur/", commissions.evaluator_home, name="evaluator_home"),
]

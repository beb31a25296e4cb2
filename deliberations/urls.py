from django.urls import path

from .views import deliberation, evaluation, juries

app_name = "deliberations"
urlpatterns = [
    # Commission d'évaluation: results of one registration.
    path(
        "inscriptions/<int:pk>/evaluation/",
        evaluation.registration_evaluation,
        name="evaluation",
    ),
    path(
        "inscriptions/<int:pk>/evaluation/resultats/",
        evaluation.results_record,
        name="results_record",
    ),
    path(
        "inscriptions/<int:pk>/evaluation/valider/",
        evaluation.results_validate,
        name="results_validate",
    ),
    path(
        "inscriptions/<int:pk>/evaluation/resultats/<int:result_pk>/corriger/",
        evaluation.result_correct,
        name="result_correct",
    ),
    # Jury de délibération.
    path("campagnes/<int:pk>/jurys/", juries.campaign_juries, name="campaign_juries"),
    path("jurys/", juries.jury_list, name="jury_list"),
    path("jurys/<int:pk>/", juries.jury_detail, name="jury_detail"),
    path("jurys/<int:pk>/date/", juries.jury_reschedule, name="jury_reschedule"),
    path("jurys/<int:pk>/annuler/", juries.jury_cancel, name="jury_cancel"),
    path("jurys/<int:pk>/membres/", juries.jury_member_add_view, name="jury_member_add"),
    path(
        "jurys/<int:pk>/membres/<int:member_pk>/retirer/",
        juries.jury_member_remove_view,
        name="jury_member_remove",
    ),
    path("jurys/<int:pk>/candidats/", juries.jury_candidates, name="jury_candidates"),
    path(
        "jurys/<int:pk>/candidats/<int:candidate_pk>/retirer/",
        juries.jury_candidate_remove_view,
        name="jury_candidate_remove",
    ),
    path("jurys/<int:pk>/emargement/", juries.jury_attendance, name="jury_attendance"),
    path("jurys/<int:pk>/ouvrir/", juries.jury_start, name="jury_start"),
    path("jurys/<int:pk>/deliberation/", deliberation.jury_deliberation, name="jury_deliberation"),
    path(
        "jurys/<int:pk>/deliberation/<int:registration_pk>/",
        deliberation.decision_record,
        name="decision_record",
    ),
    path("jurys/<int:pk>/clore/", deliberation.jury_close, name="jury_close"),
    path("decisions/<int:pk>/rectifier/", deliberation.decision_amend, name="decision_amend"),
]

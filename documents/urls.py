from django.urls import path

from . import views

app_name = "documents"
urlpatterns = [
    path("jurys/<int:pk>/documents/", views.session_documents, name="session"),
    path("jurys/<int:pk>/documents/progression/", views.batch_progress, name="progress"),
    path("jurys/<int:pk>/documents/tous/", views.batch_create, name="batch_create"),
    path("jurys/<int:pk>/documents/demander/", views.document_create, name="create"),
    path("documents/<int:pk>/relancer/", views.document_retry, name="retry"),
    path("documents/<int:pk>/telecharger/", views.document_download, name="download"),
    path("documents/lots/<int:pk>/archive/", views.batch_download, name="batch_download"),
    path("convocations/<int:pk>/a-imprimer/", views.convocation_print, name="convocation_print"),
    path("documents/<int:pk>/signer/", views.minutes_sign, name="sign"),
    path(
        "documents/<int:pk>/signer/pdf/",
        views.minutes_download_for_signature,
        name="sign_download",
    ),
    path("documents/<int:pk>/signatures/relancer/", views.minutes_remind, name="sign_remind"),
    path("verifier/", views.verify_form, name="verify_form"),
    path("verifier/<str:code>/", views.verify, name="verify"),
]

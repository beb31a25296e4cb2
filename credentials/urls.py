from django.urls import path

from . import views

app_name = "credentials"
urlpatterns = [
    path(".well-known/did.json", views.did_json, name="did"),
    path("badges/emetteur/", views.issuer_page, name="issuer"),
    path("badges/emetteur.json", views.issuer_json, name="issuer_json"),
    path("badges/statut/<int:number>/", views.status_list, name="status_list"),
    path("badges/verifier/", views.verify, name="verify"),
    path("verifier/<str:code>/badge.jwt", views.credential_jwt, name="credential_jwt"),
    path("verifier/<str:code>/badge.json", views.credential_json, name="credential_json"),
]

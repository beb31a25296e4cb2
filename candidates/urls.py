from django.urls import path

from .urls_import import urlpatterns as import_urlpatterns
from .views import campaigns, centres, registrations

app_name = "candidates"
urlpatterns: list = [
    path("campagnes/", campaigns.campaign_list, name="campaign_list"),
    path("campagnes/nouvelle/", campaigns.campaign_create, name="campaign_create"),
    path("campagnes/<int:pk>/", campaigns.campaign_detail, name="campaign_detail"),
    path("campagnes/<int:pk>/modifier/", campaigns.campaign_update, name="campaign_update"),
    path("campagnes/<int:pk>/statut/", campaigns.campaign_transition, name="campaign_transition"),
    path(
        "campagnes/<int:pk>/candidats/", registrations.registration_list, name="registration_list"
    ),
    path(
        "campagnes/<int:pk>/candidats/export.<str:fmt>",
        registrations.registration_export,
        name="registration_export",
    ),
    path(
        "campagnes/<int:pk>/candidats/inscrire/",
        registrations.registration_create,
        name="registration_create",
    ),
    path("inscriptions/<int:pk>/", registrations.registration_detail, name="registration_detail"),
    path(
        "inscriptions/<int:pk>/modifier/",
        registrations.registration_update,
        name="registration_update",
    ),
    path(
        "inscriptions/<int:pk>/desinscrire/",
        registrations.registration_withdraw,
        name="registration_withdraw",
    ),
    path("centres/", centres.centre_list, name="centre_list"),
    path("centres/<int:pk>/", centres.centre_detail, name="centre_detail"),
    path("centres/<int:pk>/modifier/", centres.centre_update, name="centre_update"),
    path("centres/<int:pk>/membres/ajouter/", centres.membership_add, name="membership_add"),
    path(
        "centres/<int:pk>/membres/<int:membership_pk>/retirer/",
        centres.membership_remove,
        name="membership_remove",
    ),
    *import_urlpatterns,
]

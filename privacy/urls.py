from django.urls import path

from . import views

app_name = "privacy"
urlpatterns = [
    path("confidentialite/", views.privacy_notice, name="notice"),
    path("donnees-personnelles/", views.person_search, name="person_search"),
    path("donnees-personnelles/conservation/", views.retention_report, name="retention_report"),
    path("donnees-personnelles/<int:pk>/", views.person_detail, name="person_detail"),
    path(
        "donnees-personnelles/<int:pk>/export.<str:fmt>",
        views.person_export,
        name="person_export",
    ),
    path("donnees-personnelles/<int:pk>/rectifier/", views.person_correct, name="person_correct"),
    path("donnees-personnelles/<int:pk>/effacer/", views.person_erase, name="person_erase"),
]

from django.urls import path

from . import views, views_staff

app_name = "portal"

urlpatterns = [
    path("espace-candidat/", views.home, name="home"),
    path("espace-candidat/inscription/<int:pk>/", views.registration, name="registration"),
    path("espace-candidat/inscription/<int:pk>/rapport/", views.report, name="report"),
    path("espace-candidat/inscription/<int:pk>/donnees/", views.data, name="data"),
    path("espace-candidat/convocation/<int:pk>/", views.convocation, name="convocation"),
    path(
        "espace-candidat/convocation/<int:pk>/calendrier.ics",
        views.convocation_calendar,
        name="convocation_ics",
    ),
    path("espace-candidat/document/<int:pk>/", views.document_download, name="document"),
    path("espace-candidat/mes-donnees.<str:fmt>", views.export, name="export"),
    # Staff
    path("inscriptions/<int:pk>/inviter-candidat/", views_staff.invite, name="invite"),
    path("campagnes/<int:pk>/rectifications/", views_staff.corrections, name="corrections"),
    path(
        "rectifications/<int:pk>/decider/", views_staff.correction_decide, name="correction_decide"
    ),
]

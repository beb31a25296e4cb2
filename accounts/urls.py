from django.urls import path

from . import views

urlpatterns: list = [
    path(
        "invitation/<uidb64>/<token>/",
        views.invitation_accept,
        name="invitation_accept",
    ),
]

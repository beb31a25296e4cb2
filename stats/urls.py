from django.urls import path

from . import views

app_name = "stats"
urlpatterns = [
    path("statistiques/", views.dashboard, name="dashboard"),
    # ?tableau=resultats|capacites|delais&format=csv|xlsx, with the page's filters.
    path("statistiques/export/", views.export, name="export"),
    path("taux-d-obtention/<slug:centre>/<slug:cqpm>/", views.public_rate, name="public_rate"),
    path("branche/transmissions/", views.inbox, name="inbox"),
    path(
        "branche/transmissions/<int:pk>/accuse/",
        views.inbox_acknowledge,
        name="inbox_acknowledge",
    ),
]

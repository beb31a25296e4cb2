from django.urls import path

from . import views

app_name = "transmissions"
urlpatterns = [
    path("transmissions/", views.tracker_list, name="tracker_list"),
    path("jurys/<int:pk>/transmission/", views.tracker, name="tracker"),
    path("jurys/<int:pk>/transmission/preparer/", views.prepare, name="prepare"),
    path("jurys/<int:pk>/transmission/reconstituer/", views.rebuild, name="rebuild"),
    path("jurys/<int:pk>/transmission/archive/", views.download, name="download"),
    path("transmissions/envois/<int:pk>/accuse/", views.acknowledgement, name="acknowledgement"),
    path(
        "transmissions/envois/<int:pk>/accuse/joindre/",
        views.acknowledgement_add,
        name="acknowledgement_add",
    ),
]

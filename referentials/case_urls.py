"""CASE 1.1 REST binding, mounted at /ims/case/v1p1/ (referentials.case.CASE_PATH)."""

from django.urls import path

from . import case_views

app_name = "case"
urlpatterns = [
    path("CFPackages/<uuid:identifier>", case_views.package, name="package"),
    path("CFDocuments/<uuid:identifier>", case_views.document, name="document"),
    path("CFItems/<uuid:identifier>", case_views.item, name="item"),
    path("CFAssociations/<uuid:identifier>", case_views.association, name="association"),
    path("CFItemTypes/<uuid:identifier>", case_views.item_type, name="item_type"),
]

from django.urls import path

from . import views

app_name = "cdc"
urlpatterns = [
    path("cdc/", views.tracker, name="tracker"),
    path("cdc/compte-rendu/", views.report_upload, name="report_upload"),
    path("cdc/flux/<int:pk>/xml/", views.flux_download, name="flux_download"),
    path("cdc/flux/<int:pk>/depose/", views.flux_deposit, name="flux_deposit"),
    path("cdc/titulaires/<int:pk>/retire/", views.holder_withdraw, name="holder_withdraw"),
    path("campagnes/<int:pk>/cdc/", views.campaign, name="campaign"),
    path("campagnes/<int:pk>/cdc/exporter/", views.export, name="export"),
]

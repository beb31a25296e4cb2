from django.urls import path

from . import views

app_name = "webhooks"
urlpatterns = [
    path("webhooks/", views.index, name="index"),
    path("centres/<int:pk>/webhooks/", views.centre_webhooks, name="centre"),
    path("centres/<int:pk>/webhooks/nouveau/", views.endpoint_create, name="endpoint_create"),
    path("webhooks/<int:pk>/", views.endpoint_detail, name="endpoint_detail"),
    path("webhooks/<int:pk>/modifier/", views.endpoint_update, name="endpoint_update"),
    path("webhooks/<int:pk>/secret/", views.endpoint_rotate, name="endpoint_rotate"),
    path("webhooks/<int:pk>/test/", views.endpoint_ping, name="endpoint_ping"),
    path("webhooks/envois/<int:pk>/", views.delivery_detail, name="delivery_detail"),
    path("webhooks/envois/<int:pk>/rejouer/", views.delivery_replay, name="delivery_replay"),
]

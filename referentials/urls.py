from django.urls import path

from . import views

app_name = "referentials"
urlpatterns = [
    path("", views.referential_list, name="list"),
]

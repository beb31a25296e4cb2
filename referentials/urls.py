from django.urls import path

from . import views

app_name = "referentials"
urlpatterns = [
    path("", views.referential_list, name="list"),
    path("<int:pk>/", views.referential_detail, name="detail"),
    path("<int:pk>/export.yaml", views.referential_export_yaml, name="export"),
    path("<int:pk>/comparer/<int:other>/", views.referential_compare, name="compare"),
    path("<int:pk>/publier/", views.referential_publish_view, name="publish"),
    path("<int:pk>/rncp/", views.referential_rncp, name="rncp"),
]

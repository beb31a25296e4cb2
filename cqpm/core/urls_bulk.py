from django.urls import path

from . import bulk_views

app_name = "core"

urlpatterns = [
    path("<slug:kind>/confirmer/", bulk_views.bulk_confirm, name="bulk_confirm"),
    path("<slug:kind>/lancer/", bulk_views.bulk_start, name="bulk_start"),
    path("<int:pk>/", bulk_views.bulk_job, name="bulk_job"),
    path("<int:pk>/avancement/", bulk_views.bulk_job_progress, name="bulk_job_progress"),
]

from .urls_import import urlpatterns as import_urlpatterns

app_name = "candidates"
urlpatterns: list = [
    *import_urlpatterns,
]

from django.urls import path

from .views import tokens

app_name = "api_tokens"
urlpatterns = [
    path("", tokens.token_list, name="list"),
    path("<int:pk>/revoquer/", tokens.token_revoke, name="revoke"),
]

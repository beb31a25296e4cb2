"""/api/: the versioned resources under v1/, the OpenAPI schema and its documentation page."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import SimpleRouter

from .views import resources

app_name = "api"

router = SimpleRouter()
router.register("referentials", resources.ReferentialViewSet, basename="referential")
router.register("campaigns", resources.CampaignViewSet, basename="campaign")
router.register("candidates", resources.CandidateViewSet, basename="candidate")
router.register("registrations", resources.RegistrationViewSet, basename="registration")
router.register("decisions", resources.DecisionViewSet, basename="decision")
router.register("documents", resources.DocumentViewSet, basename="document")

urlpatterns = [
    path("v1/", include(router.urls)),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path(
        "docs/",
        SpectacularSwaggerSplitView.as_view(
            url_name="api:schema", template_name="api/swagger_ui.html"
        ),
        name="docs",
    ),
]

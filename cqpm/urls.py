from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path

from cqpm.core import health
from cqpm.core import views as core_views

admin.site.login = secure_admin_login(admin.site.login)  # type: ignore[method-assign]  # allauth
admin.site.site_header = "CQPM — administration"

urlpatterns = [
    path("", core_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),  # answered by LivenessMiddleware
    path("sante/", health.health, name="health"),
    path("favicon.ico", core_views.favicon, name="favicon"),
    path("admin/", admin.site.urls),
    path("traitements/", include("cqpm.core.urls_bulk")),
    path("comptes/", include("accounts.urls")),
    path("comptes/", include("allauth.urls")),
    path("referentiels/", include("referentials.urls")),
    path("ims/case/v1p1/", include("referentials.case_urls")),  # referentials.case.CASE_PATH
    path("", include("candidates.urls")),
    path("", include("evaluations.urls")),
    path("", include("deliberations.urls")),
    path("", include("documents.urls")),
    path("", include("credentials.urls")),
    path("", include("privacy.urls")),
    path("", include("transmissions.urls")),
    path("", include("stats.urls")),
    path("", include("webhooks.urls")),
    path("", include("portal.urls")),
    path("", include("cdc.urls")),
    # Outside /comptes/ on purpose: that prefix is exempt from the mandatory TOTP, a token is not.
    path("jetons-api/", include("api.urls_tokens")),
    path("api/", include("api.urls")),
]

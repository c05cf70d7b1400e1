from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

urlpatterns = [
    path("", include("core.urls")),
    path("organisations/", include("organisations.urls")),
    path("assurance/", include("assurance.urls")),
    path("returns/", include("returns.urls")),
    path("reviews/", include("reviews.urls")),
    path("casework/", include("casework.urls")),
    path("governance/", include("governance.urls")),
    path("workforce/", include("workforce.urls")),
    path("regions/", include("regions.urls")),
    path("reporting/", include("reporting.urls")),
    path("signals/", include("signals.urls")),
    path("api/v1/", include("config.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves its start-up script from a URL: no inline script under the CSP.
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("django-admin/", admin.site.urls),
]

# Error pages that render without the database (core/errors.py); 403 and 404 use Django's own views.
handler400 = "core.errors.bad_request"
handler500 = "core.errors.server_error"

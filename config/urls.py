from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

urlpatterns = [
    path("", include("core.urls")),
    path("organisations/", include("organisations.urls")),
    path("assurance/", include("assurance.urls")),
    path("returns/", include("returns.urls")),
    path("reviews/", include("reviews.urls")),
    path("casework/", include("casework.urls")),
    path("workforce/", include("workforce.urls")),
    path("api/v1/", include("config.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("django-admin/", admin.site.urls),
]

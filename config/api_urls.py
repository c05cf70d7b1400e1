"""Every app's API router, mounted under /api/v1/."""

from rest_framework.routers import DefaultRouter

from organisations.api import register as register_organisations

router = DefaultRouter()
register_organisations(router)

urlpatterns = router.urls

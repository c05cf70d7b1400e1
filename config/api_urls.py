"""Every app's API router, mounted under /api/v1/."""

from rest_framework.routers import DefaultRouter

from assurance.api import register as register_assurance
from casework.api import register as register_casework
from core.api import register as register_core
from governance.api import register as register_governance
from organisations.api import register as register_organisations
from regions.api import register as register_regions
from reporting.api import register as register_reporting
from returns.api import register as register_returns
from reviews.api import register as register_reviews
from signals.api import register as register_signals
from workforce.api import register as register_workforce

router = DefaultRouter()
for register in (
    register_core,
    register_organisations,
    register_assurance,
    register_returns,
    register_reviews,
    register_casework,
    register_governance,
    register_workforce,
    register_regions,
    register_reporting,
    register_signals,
):
    register(router)

urlpatterns = router.urls

import json
from functools import lru_cache

from django.conf import settings

from core.navigation import navigation_for


@lru_cache(maxsize=1)
def nhsuk_frontend_version():
    package = settings.BASE_DIR / "package.json"
    return json.loads(package.read_text())["dependencies"]["nhsuk-frontend"]


def frontend_assets():
    """The NHS.UK frontend's file names: all the layout needs without a request (error pages use it)."""
    version = nhsuk_frontend_version()
    return {
        "nhsuk_css": "vigil-build/nhsuk.css",
        "nhsuk_js": f"nhsuk/nhsuk-frontend-{version}.min.js",
    }


def navigation(request):
    context = frontend_assets()
    user = getattr(request, "user", None)
    if getattr(request, "second_factor_pending", False):  # no menu until the second factor is given
        return context
    if user is not None and user.is_authenticated and user.role:
        groups, current = navigation_for(user.role, request.path)
        context["navigation"] = groups
        if current is not None and len(current.items) > 1:
            context["section_navigation"] = current
    return context

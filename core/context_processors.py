import json
from functools import lru_cache

from django.conf import settings
from django.urls import reverse

from core.navigation import menu


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
        items = []
        for label, url_name, roles in menu():
            if user.role in roles:
                url = reverse(url_name)
                current = request.path == url if url == "/" else request.path.startswith(url)
                items.append({"label": label, "url": url, "current": current})
        context["navigation"] = items
    return context

"""Pages make no request to another origin: the NHS.UK stylesheet is built without its web fonts."""

import re

from django.conf import settings
from django.contrib.staticfiles import finders

from core.models import Role

EXTERNAL_URL = re.compile(r"url\(\s*['\"]?(https?:)?//", re.IGNORECASE)


def test_the_built_stylesheet_is_found_by_the_static_files_finders():
    assert finders.find("vigil-build/nhsuk.css"), "run `make setup` to build build/static/nhsuk.css"


def test_the_built_stylesheet_loads_nothing_from_another_origin():
    css = (settings.BASE_DIR / "build" / "static" / "nhsuk.css").read_text()
    assert "nhsuk-header" in css  # the design system itself is there
    assert "@font-face" not in css
    assert not EXTERNAL_URL.search(css)


def test_the_built_stylesheet_points_its_icons_at_files_that_exist():
    css = (settings.BASE_DIR / "build" / "static" / "nhsuk.css").read_text()
    icons = set(re.findall(r"url\(\"?/static/(nhsuk/assets/[^\")]+)", css))
    assert icons
    for icon in icons:
        assert finders.find(icon), icon


def test_every_page_links_the_offline_stylesheet(client_for, world):
    page = client_for(world.user(Role.DESIGNATED)).get("/")
    html = page.content.decode()
    assert "/static/vigil-build/nhsuk.css" in html
    assert "assets.nhs.uk" not in html

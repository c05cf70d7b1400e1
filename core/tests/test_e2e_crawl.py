"""Every role's pages in headless Chromium at 390 px: no serious or critical axe-core violation, no request to any
other origin, no sideways scroll of the page (wide tables scroll inside their own container); and at 1280 px no
module of the role's menu hidden under "More".

The pages are those the security-header crawl finds for each demo login (one page of each shape); a shape
already checked for another role is not loaded again. axe-core is a development npm dependency.

It runs in the SQLite pass of `make test` only: what it checks (markup, styles, scripts, requests) does not depend
on the database, and it is the longest test of the suite; every other end-to-end test runs on both databases.
"""

from io import StringIO
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.test import Client

from core.models import User
from core.tests.test_security_headers import ONE_LOGIN_PER_ROLE, crawl, shape

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite pass only: the markup is the same on both"),
]

AXE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
NARROW = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}
SERIOUS = ("serious", "critical")
PAGES_PER_ROLE = 40
EXTRA_PAGES = ["/api/docs/", "/glossary/"]


def pages_of(username, limit=None):
    client = Client()
    client.force_login(User.objects.get(username=username))
    paths = [path for path, response in crawl(client, limit=limit or PAGES_PER_ROLE) if _is_page(response)]
    return client.cookies[settings.SESSION_COOKIE_NAME].value, paths + EXTRA_PAGES


def _is_page(response):
    return response.status_code == 200 and "text/html" in response.get("Content-Type", "")


def check(page, path):
    """Problems of one page: axe violations, sideways scroll. Requests elsewhere are caught by the route."""
    response = page.goto(path)
    if response is None or response.status != 200:
        return []
    page.add_script_tag(path=str(AXE))
    results = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    problems = [
        f"{path}: axe {v['id']} ({v['impact']}): {v['nodes'][0]['target']}"
        for v in results["violations"]
        if v["impact"] in SERIOUS
    ]
    width = page.evaluate("document.documentElement.scrollWidth")
    if width > NARROW["width"]:
        problems.append(f"{path}: scrolls sideways to {width} px at {NARROW['width']} px")
    return problems


def desktop_menu_problems(browser, live_server, session):
    """At 1280 px every module of the role's menu shows in the header: nothing hides under "More"."""
    context = browser.new_context(base_url=live_server.url, viewport=DESKTOP)
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}])
    page = context.new_page()
    page.goto("/")
    hidden = page.evaluate(
        "[...document.querySelectorAll('.nhsuk-header__navigation-item')]"
        ".filter(item => !item.checkVisibility()).map(item => item.textContent.trim())"
    )
    context.close()
    return [f"at 1280 px the menu hides {hidden}"] if hidden else []


@pytest.mark.skipif(not AXE.exists(), reason="axe-core is not installed (npm ci)")
def test_every_role_s_pages_are_accessible_offline_and_fit_390_px(browser, live_server, transactional_db):
    call_command("load_demo", stdout=StringIO())
    own_host = urlsplit(live_server.url).netloc
    elsewhere, problems, checked = [], [], set()

    def only_this_origin(route):
        if urlsplit(route.request.url).netloc == own_host or route.request.url.startswith("data:"):
            route.continue_()
        else:
            elsewhere.append(route.request.url)
            route.abort()

    for username in ONE_LOGIN_PER_ROLE.values():
        session, paths = pages_of(username)
        problems += [f"{username}: {problem}" for problem in desktop_menu_problems(browser, live_server, session)]
        context = browser.new_context(base_url=live_server.url, viewport=NARROW, bypass_csp=True)
        context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}])
        context.route("**/*", only_this_origin)
        page = context.new_page()
        page.set_default_timeout(15000)
        for path in paths:
            if shape(path) in checked:
                continue
            checked.add(shape(path))
            problems += [f"{username} {problem}" for problem in check(page, path)]
        context.close()
    assert len(checked) >= 20
    assert elsewhere == [], elsewhere
    assert problems == [], "\n".join(problems)

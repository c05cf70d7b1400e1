"""Every page under the Content Security Policy (no inline script or style), no-store where it matters."""

import re
from html.parser import HTMLParser
from io import StringIO
from urllib.parse import urljoin, urlsplit

from django.core.management import call_command
from django.test import Client

from core.choices import Role
from core.models import User

PAGES_PER_ROLE = 60
DOWNLOAD = re.compile(r"(export|xlsx|pdf|csv|download|chart|\.html$|\.json$)", re.IGNORECASE)
SKIPPED_PREFIXES = ("/sign-out/", "/django-admin/", "/static/", "/media/", "/api/schema/")
ONE_LOGIN_PER_ROLE = {
    Role.DESIGNATED: "designated",
    Role.ADMINISTRATOR: "admin",
    Role.EXECUTIVE: "executive",
    Role.BOARD: "board",
    Role.CONTRACTS: "contracts",
    Role.HR: "hr",
    Role.AUDITOR: "auditor",
    Role.PROVIDER: "provider.za1",
    Role.REGIONAL: "regional.midlands",
    Role.NATIONAL: "national",
}


class PageParts(HTMLParser):
    """Collects what a strict CSP would block, and the page's own links."""

    def __init__(self):
        super().__init__()
        self.blocked = []
        self.links = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script" and not attrs.get("src"):
            self.blocked.append("inline <script>")
        if tag == "style":
            self.blocked.append("<style> element")
        for name, value in attrs.items():
            if name == "style" or name.startswith("on"):
                self.blocked.append(f"{name}= on <{tag}>")
            if name in {"href", "src", "action"} and (value or "").strip().lower().startswith("javascript:"):
                self.blocked.append(f"javascript: URL on <{tag}>")
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])


def parts_of(response):
    parser = PageParts()
    parser.feed(response.content.decode())
    return parser


def shape(path):
    """/returns/58/metric/SUP/ and /returns/49/metric/MAM/?x=1 are one kind of page: /returns/N/metric/C/."""
    return re.sub(r"/[A-Z][A-Z0-9-]*/", "/C/", re.sub(r"\d+", "N", urlsplit(path).path))


def crawl(client, start="/", limit=PAGES_PER_ROLE):
    """Follow same-origin links breadth first, one page of each shape; yields (path, response)."""
    queue, seen, visited = [start], {shape(start)}, 0
    while queue and visited < limit:
        path = queue.pop(0)
        visited += 1
        response = client.get(path)
        yield path, response
        if "text/html" not in response.get("Content-Type", ""):
            continue
        for href in parts_of(response).links:
            url = urlsplit(urljoin(path, href))
            if url.netloc or not url.path.startswith("/") or url.path.startswith(SKIPPED_PREFIXES):
                continue
            if DOWNLOAD.search(url.path):  # files, not pages: NoStoreMiddleware's own tests cover them
                continue
            if shape(url.path) not in seen:
                seen.add(shape(url.path))
                queue.append(url.path + (f"?{url.query}" if url.query else ""))


def test_no_page_of_any_role_needs_inline_script_or_style(db):
    call_command("load_demo", stdout=StringIO())
    for username in ONE_LOGIN_PER_ROLE.values():
        client = Client()
        client.force_login(User.objects.get(username=username))
        pages = 0
        for path, response in crawl(client):
            assert response.status_code < 500, (username, path)
            assert "default-src 'self'" in response["Content-Security-Policy"], (username, path)
            assert "no-store" in response["Cache-Control"], (username, path)
            if "text/html" in response.get("Content-Type", ""):
                assert parts_of(response).blocked == [], (username, path)
                pages += 1
        assert pages >= 5, username


def test_the_policy_allows_only_this_origin(client, db):
    policy = client.get("/sign-in/")["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    for name, sources in directives.items():
        assert all(source in {"'self'", "'none'", "data:"} for source in sources.split()), name
    assert directives["script-src"] == "'self'" and directives["style-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"


def test_the_api_docs_page_runs_without_inline_script(world, client_for):
    client = client_for(world.user(Role.DESIGNATED))
    page = client.get("/api/docs/")
    assert page.status_code == 200 and parts_of(page).blocked == []
    script = client.get("/api/docs/?script=")
    assert script.status_code == 200 and "SwaggerUIBundle" in script.content.decode()
    assert '"validatorUrl": null' in script.content.decode()


class TestNoStore:
    def test_api_answers_are_not_stored(self, world):
        response = world.api(Role.DESIGNATED).get("/api/v1/organisations/")
        assert "no-store" in response["Cache-Control"]

    def test_api_answers_to_anonymous_callers_are_not_stored_either(self, client, db):
        assert "no-store" in client.get("/api/v1/organisations/")["Cache-Control"]

    def test_signed_in_pages_are_not_stored(self, world, client_for):
        response = client_for(world.user(Role.HR)).get("/")
        assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]

    def test_static_files_keep_their_caching(self, client, db):
        response = client.get("/static/vigil/vigil.css")
        assert response.status_code == 200 and "no-store" not in response.get("Cache-Control", "")

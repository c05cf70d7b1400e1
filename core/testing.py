"""Test helpers shared by every app: a small ICB world built through the real actions,
users for every role, and assertions for permission matrices and query counts."""

import datetime as dt
import itertools
import time
from base64 import b32decode
from pathlib import Path

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_otp.oath import TOTP, hotp
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.test import APIClient

from core.choices import ICB_ROLES, Role
from core.models import User
from core.second_factor import STRONG_AUTHENTICATION_SESSION_KEY, totp_code_for_key
from organisations import actions
from organisations.choices import OrganisationKind

_codes = itertools.count(1)


def next_code(prefix="Y"):
    return f"{prefix}{next(_codes):04d}"


def make_organisation(kind, parent=None, **fields):
    fields.setdefault("name", f"Test {OrganisationKind(kind).label} {next(_codes)}")
    return actions.do_create_organisation(kind=kind, parent=parent, acting_user=None, **fields)


def make_icb(name="Test ICB", **fields):
    region = make_organisation(OrganisationKind.REGION, name=f"{name} region")
    return make_organisation(OrganisationKind.ICB, parent=region, name=name, ods_code=next_code("Q"), **fields)


def make_provider(icb, kind=OrganisationKind.TRUST_ACUTE, **fields):
    fields.setdefault("ods_code", next_code("P"))
    return make_organisation(kind, parent=icb, **fields)


TEST_PASSWORD = "a-test-password-1"  # noqa: S105 - test users only


def make_user(role, organisation, username=None):
    username = username or f"{role}.{next(_codes)}"
    user = User.objects.create_user(username=username, password=TEST_PASSWORD, role=role, organisation=organisation)
    return user


class World:
    """One ICB with two providers (each with a provider user) and a user for every ICB role,
    plus a second ICB (in another region) with its own provider, a regional lead for the first ICB's region and
    the national team: the cases every permission test needs."""

    def __init__(self):
        self.icb = make_icb("Test ICB")
        self.provider = make_provider(self.icb, name="Provider One", provides_children_services=True)
        self.other_provider = make_provider(self.icb, name="Provider Two")
        self.other_icb = make_icb("Other ICB")
        self.foreign_provider = make_provider(self.other_icb, name="Provider Elsewhere")
        self.users = {role: make_user(role, self.icb, username=role) for role in ICB_ROLES}
        self.users[Role.PROVIDER] = make_user(Role.PROVIDER, self.provider, username="provider.one")
        self.other_provider_user = make_user(Role.PROVIDER, self.other_provider, username="provider.two")
        # NHS England: a regional lead for the test ICB's region, and the national team (regions/).
        self.region, self.other_region = self.icb.parent, self.other_icb.parent
        self.nhs_england = make_organisation(OrganisationKind.NHS_ENGLAND, name="NHS England (test)")
        self.users[Role.REGIONAL] = make_user(Role.REGIONAL, self.region, username="regional")
        self.users[Role.NATIONAL] = make_user(Role.NATIONAL, self.nhs_england, username="national")

    def user(self, role):
        return self.users[role]

    def api(self, role_or_user):
        user = self.users[role_or_user] if isinstance(role_or_user, str) else role_or_user
        client = APIClient()
        client.force_authenticate(user)
        return client


def replay_data_migrations():
    """Run every data migration of Vigil's own apps again (each is idempotent), restoring the
    reference data they load after a transactional test has flushed the database."""
    from django.apps import apps
    from django.conf import settings
    from django.db.migrations.loader import MigrationLoader
    from django.db.migrations.operations import RunPython

    own_apps = {c.label for c in apps.get_app_configs() if Path(c.path).parent == Path(settings.BASE_DIR)}
    graph = MigrationLoader(connection).graph
    plan = dict.fromkeys(key for leaf in graph.leaf_nodes() for key in graph.forwards_plan(leaf))
    for key in (key for key in plan if key[0] in own_apps):
        for operation in graph.nodes[key].operations:
            if isinstance(operation, RunPython):
                operation.code(apps, None)


def count_queries(func):
    with CaptureQueriesContext(connection) as context:
        result = func()
    return len(context.captured_queries), result


# Signing in. A test that calls `client.force_login(user)` has skipped authentication altogether, so
# conftest.py makes force_login also count as the second factor (`mark_second_factor_given`). Tests of
# sign-in itself post to the sign-in page, and end-to-end tests go through every page, codes included.


def mark_second_factor_given(client):
    session = client.session
    session[STRONG_AUTHENTICATION_SESSION_KEY] = "test: force_login"
    session.save()


def force_login_with_second_factor(client, user):
    """For code outside pytest (benchmarks): a signed-in page client that owes no second factor."""
    client.force_login(user)
    mark_second_factor_given(client)
    return client


def fresh_totp_code(device):
    """A code `device` accepts now and has never accepted (django-otp refuses a replayed code): this time
    step's, else a later one's within the device's tolerance, else the next step's after waiting for it."""
    device.refresh_from_db()
    now = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).t()
    step = max(now, device.last_t + 1)
    if step > now + device.tolerance:
        time.sleep(device.step - (time.time() - device.t0) % device.step + 0.1)
        return fresh_totp_code(device)
    return f"{hotp(device.bin_key, step, digits=device.digits):0{device.digits}d}"


def fill_date(page, label, day, *, exact=False):
    """Type `day` (a date, or "YYYY-MM-DD") into the NHS date input whose legend is `label` (Playwright page)."""
    if isinstance(day, str):
        day = dt.date.fromisoformat(day)
    group = page.get_by_role("group", name=label, exact=exact)
    group.get_by_label("Day", exact=True).fill(str(day.day))
    group.get_by_label("Month", exact=True).fill(str(day.month))
    group.get_by_label("Year", exact=True).fill(str(day.year))


def sign_in_through_page(page, username, password=TEST_PASSWORD):
    """Sign in as a person does (Playwright page): password, then the second factor when asked for one,
    setting up the authenticator app from the key on the page the first time."""
    page.goto("/sign-in/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    if "/sign-in/second-factor/set-up/" in page.url:
        key = b32decode(page.locator(".vigil-totp-key").inner_text().replace(" ", "").strip())
        page.get_by_label("Code from your authenticator app").fill(totp_code_for_key(key))
        page.get_by_role("button", name="Confirm and continue").click()
    elif "/sign-in/second-factor/" in page.url:
        device = TOTPDevice.objects.get(user__username=username, confirmed=True)
        page.get_by_label("Code from your authenticator app").fill(fresh_totp_code(device))
        page.get_by_role("button", name="Continue").click()
    page.wait_for_url(lambda url: "/sign-in/" not in url)


def pdf_bytes(pages=1):
    """A small valid PDF (blank pages), for upload tests: evidence files must parse as what they claim."""
    import io

    from pypdf import PdfWriter

    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()

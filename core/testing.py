"""Test helpers shared by every app: a small ICB world built through the real actions,
users for every role, and assertions for permission matrices and query counts."""

import itertools
from pathlib import Path

from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from core.choices import ICB_ROLES, Role
from core.models import User
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


def make_user(role, organisation, username=None):
    username = username or f"{role}.{next(_codes)}"
    user = User.objects.create_user(
        username=username, password="a-test-password-1", role=role, organisation=organisation
    )
    return user


class World:
    """One ICB with two providers (each with a provider user) and a user for every ICB role,
    plus a second ICB with its own provider: the cases every permission test needs."""

    def __init__(self):
        self.icb = make_icb("Test ICB")
        self.provider = make_provider(self.icb, name="Provider One", provides_children_services=True)
        self.other_provider = make_provider(self.icb, name="Provider Two")
        self.other_icb = make_icb("Other ICB")
        self.foreign_provider = make_provider(self.other_icb, name="Provider Elsewhere")
        self.users = {role: make_user(role, self.icb, username=role) for role in ICB_ROLES}
        self.users[Role.PROVIDER] = make_user(Role.PROVIDER, self.provider, username="provider.one")
        self.other_provider_user = make_user(Role.PROVIDER, self.other_provider, username="provider.two")

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

"""Every signals page × every role (one test per URL, roles looped inside). Person-level pages: the receiving
organisation's safeguarding users only; another provider gets 404 (the record's existence is not revealed); every
ICB role, the Board, the auditor and NHS England's roles get 403. The auditor sees the access log, not the content.
And a walk of the ICB-facing pages, export and API: no NHS number, date of birth or child identifier in any."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from core.choices import ALL_ROLES, REGIONAL_ROLES, Role
from returns.tests.factories import Q, submitted_return
from signals import imports
from signals.models import Child, Household, ReviewTask, SignalRule
from signals.tests.ui_support import seed

PROVIDER = {Role.PROVIDER}

# (url, roles answered 200; every other role 403; the other provider's user: `other`)
PAGES = [
    ("/signals/", PROVIDER, 200),
    ("/signals/tasks/xlsx/", PROVIDER, 200),
    ("/signals/tasks/{task}/", PROVIDER, 404),
    ("/signals/tasks/{task}/outcome/", PROVIDER, 404),
    ("/signals/children/{child}/", PROVIDER, 404),
    ("/signals/households/{household}/", PROVIDER, 404),
    ("/signals/uploads/", PROVIDER, 200),
    ("/signals/uploads/attendances/", PROVIDER, 200),
    ("/signals/uploads/jobs/{job}/", PROVIDER, 404),
    ("/signals/rules/", set(ALL_ROLES), 200),
    ("/signals/rules/{rule}/edit/", PROVIDER, 404),
]


@pytest.fixture
def records(world):
    user = world.user(Role.PROVIDER)
    number, born = seed(world.provider, user)
    job = imports.enqueue_import(
        organisation=world.provider,
        feed="attendances",
        upload=SimpleUploadedFile("large.csv", b"NHS number\n"),
        name="large.csv",
        acting_user=user,
    )
    return {
        "job": job.pk,
        "task": ReviewTask.objects.filter(child__isnull=False).first().pk,
        "child": Child.objects.get().pk,
        "household": Household.objects.get().pk,
        "rule": SignalRule.objects.get(organisation=world.provider, signal="S1").pk,
        "number": number,
        "born": born,
    }


def expected(role, ok):
    if role in REGIONAL_ROLES:
        return 403
    return 200 if role in ok else 403


@pytest.mark.parametrize(("url", "ok", "other"), PAGES)
def test_page_matrix(world, records, client, url, ok, other):
    target = url.format(**records)
    answers = {}
    for role in sorted(Role.values):
        client.force_login(world.user(role))
        answers[role] = client.get(target).status_code
    assert answers == {role: expected(role, ok) for role in sorted(Role.values)}, target
    client.force_login(world.other_provider_user)
    assert client.get(target).status_code == other, target


ENDPOINTS = [
    ("/api/v1/signals/tasks/", 200),
    ("/api/v1/signals/tasks/{task}/", 404),
    ("/api/v1/signals/uploads/", 200),
    ("/api/v1/signals/uploads/jobs/{job}/", 404),
]


@pytest.mark.parametrize(("url", "other"), ENDPOINTS)
def test_api_matrix(world, records, url, other):
    target = url.format(**records)
    answers = {role: world.api(role).get(target).status_code for role in sorted(Role.values)}
    assert answers == {role: 200 if role == Role.PROVIDER else 403 for role in sorted(Role.values)}, target
    assert world.api(world.other_provider_user).get(target).status_code == other
    writes = {
        role: world.api(role).post(target, {}).status_code for role in sorted(Role.values) if role != Role.PROVIDER
    }
    assert set(writes.values()) <= {403, 405}, writes


RULE_ENDPOINTS = [("/api/v1/signals/rules/", 200), ("/api/v1/signals/rules/{rule}/", 404)]


@pytest.mark.parametrize(("url", "other"), RULE_ENDPOINTS)
def test_rules_api_matrix(world, records, url, other):
    """Every ICB role and the organisation read the rules (no child in them); only the organisation changes them."""
    target = url.format(**records)
    answers = {role: world.api(role).get(target).status_code for role in sorted(Role.values)}
    assert answers == {role: expected(role, ALL_ROLES) for role in sorted(Role.values)}, target
    assert world.api(world.other_provider_user).get(target).status_code == other
    writes = {
        role: world.api(role).patch(target, {"enabled": False}, format="json").status_code
        for role in sorted(Role.values)
        if role != Role.PROVIDER
    }
    assert set(writes.values()) <= {403, 405}, writes


def test_the_other_providers_export_and_queue_hold_none_of_this_providers_children(world, records, client):
    client.force_login(world.other_provider_user)
    assert records["number"][-4:] not in client.get("/signals/").content.decode()
    assert records["number"].encode() not in client.get("/signals/tasks/xlsx/").content


def test_the_auditor_sees_the_access_log_not_the_content(world, records, client_for):
    client_for(world.user(Role.PROVIDER)).get(f"/signals/tasks/{records['task']}/")
    auditor = client_for(world.user(Role.AUDITOR))
    assert auditor.get(f"/signals/tasks/{records['task']}/").status_code == 403
    html = auditor.get("/audit/").content.decode()
    assert f"Review task {records['task']}" in html
    assert records["number"] not in html and records["number"][-4:] not in html


def _identifiers(records):
    number, born = records["number"], records["born"]
    return [
        number,
        f"{number[:3]} {number[3:6]} {number[6:]}",
        born.isoformat(),
        born.strftime("%d/%m/%Y"),
        born.strftime("%-d %b %Y"),
        born.strftime("%-d %B %Y"),
        "/signals/children/",
        "/signals/households/",
    ]


def test_no_person_level_field_in_any_icb_facing_page_export_or_api(world, records, client_for):
    """The designated professional, a board member and the regional lead walk what they can open: the return matrix,
    the provider's return (page, metric page, XLSX report, API), the rules page, home, the regional roll-up."""
    ret = submitted_return(world.provider)
    pages = [
        "/",
        f"/returns/matrix/?quarter={Q.slug}",
        f"/returns/{ret.pk}/",
        f"/returns/{ret.pk}/metric/SIG-S1/",
        f"/returns/provider/{world.provider.pk}/",
        f"/returns/report/xlsx/?quarter={Q.slug}",
        f"/api/v1/returns/{ret.pk}/",
        "/api/v1/returns/",
        "/signals/rules/",
        "/regions/",
        f"/regions/icbs/{world.icb.pk}/",
    ]
    forbidden = _identifiers(records)
    opened = 0
    for role in (Role.DESIGNATED, Role.BOARD, Role.REGIONAL):
        client = client_for(world.user(role))
        for url in pages:
            response = client.get(url)
            if response.status_code != 200:
                continue
            opened += 1
            body = response.content.decode("utf-8", "replace") if b"PK\x03\x04" not in response.content[:4] else ""
            if not body:  # an XLSX: read its cells
                from io import BytesIO

                from openpyxl import load_workbook

                book = load_workbook(BytesIO(response.content))
                body = " ".join(str(c.value) for s in book.worksheets for r in s.iter_rows() for c in r)
            for text in forbidden:
                assert text not in body, (role, url, text)
            assert not re.search(r"\b999\d{7}\b", body), (role, url)
    assert opened >= 10

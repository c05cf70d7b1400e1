"""Every page and endpoint of the returns module × every role; a provider user against another provider's
return by id (404)."""

import pytest

from core.choices import ALL_ROLES, Role
from returns.tests.factories import Q, submitted_return

ALL = set(ALL_ROLES)  # every ICB and provider role; NHS England's roles are refused everywhere (403)
ICB = ALL - {Role.PROVIDER}
EDITORS = {Role.PROVIDER, Role.DESIGNATED, Role.ADMINISTRATOR}
REVIEWERS = {Role.DESIGNATED, Role.ADMINISTRATOR}
ACTION_OPENERS = {Role.DESIGNATED, Role.ADMINISTRATOR, Role.PROVIDER}

PAGES = [
    ("/", set(Role.values)),  # the home page, with this module's panels (NHS England's roles: the roll-up's)
    ("/returns/", ALL),
    ("/returns/catalogue/", ALL),
    ("/returns/matrix/", ICB),
    ("/returns/thresholds/", ICB),
    ("/returns/thresholds/add/", {Role.DESIGNATED, Role.CONTRACTS}),
    ("/returns/{ret}/", ALL),
    ("/returns/{ret}/metric/TRN-CH/", ALL),
    ("/returns/{ret}/metric/TRN-CH/action/", ACTION_OPENERS),
    ("/returns/provider/{provider}/", ALL),
    ("/returns/provider/{provider}/chart/TRN-CH.png", ALL),
    ("/returns/{draft}/edit/", EDITORS),
    ("/returns/{draft}/template.xlsx", EDITORS),
    ("/returns/{draft}/upload/", EDITORS),
    ("/returns/{ret}/send-back/", REVIEWERS),
    ("/returns/{ret}/judge/11.a.1/", REVIEWERS),
    ("/returns/{draft}/evidence/", EDITORS),
    ("/returns/{draft}/evidence/attach/", EDITORS),
]

FOREIGN = [
    "/returns/{other_ret}/",
    "/returns/{other_ret}/metric/TRN-CH/",
    "/returns/{other_ret}/metric/TRN-CH/action/",
    "/returns/{other_draft}/edit/",
    "/returns/{other_draft}/template.xlsx",
    "/returns/{other_draft}/upload/",
    "/returns/{other_draft}/evidence/",
    "/returns/{other_draft}/evidence/attach/",
    "/returns/{other_ret}/judge/11.a.1/",
    "/returns/provider/{other_provider}/",
    "/returns/provider/{other_provider}/chart/TRN-CH.png",
    "/api/v1/returns/{other_ret}/",
]


@pytest.fixture
def ids(world):
    return {
        "ret": submitted_return(world.provider, pct=(50, 100)).pk,
        "draft": submitted_return(world.provider, quarter=Q.previous()).pk,
        "other_ret": submitted_return(world.other_provider).pk,
        "other_draft": submitted_return(world.other_provider, quarter=Q.previous()).pk,
        "provider": world.provider.pk,
        "other_provider": world.other_provider.pk,
    }


@pytest.fixture
def drafts(ids):
    """Make the 'draft' returns editable again (returned for correction)."""
    from returns import actions
    from returns.models import Return

    for key in ("draft", "other_draft"):
        actions.do_return_for_correction(Return.objects.get(pk=ids[key]), comment="Check.", acting_user=None)
    return ids


@pytest.mark.parametrize("role", sorted(Role.values))
def test_page_matrix(world, drafts, client_for, role):
    """One role against every page (one data set per role keeps the matrix fast)."""
    client = client_for(world.user(role))
    wrong = []
    for url, allowed in PAGES:
        response = client.get(url.format(**drafts))
        if response.status_code != (200 if role in allowed else 403):
            wrong.append((url, response.status_code))
    assert wrong == []


@pytest.mark.parametrize("role", sorted(Role.values))
def test_endpoint_matrix(world, drafts, role):
    api = world.api(role)
    read = 200 if role in ALL else 403  # NHS England's roles read the roll-ups (regions/), not returns
    assert api.get("/api/v1/returns/").status_code == read
    assert api.get("/api/v1/judged-metrics/").status_code == read
    assert api.get("/api/v1/metrics/").status_code == read
    assert api.get("/api/v1/threshold-overrides/").status_code == read
    evidence = api.post(
        f"/api/v1/returns/{drafts['draft']}/evidence/",
        {"answers": {"11.b": {"effect_on_practice": "x"}}},
        format="json",
    )
    assert evidence.status_code == (200 if role in EDITORS else 403), evidence.content
    judge = api.post(f"/api/v1/returns/{drafts['ret']}/judge/", {"judged_metric": "11.b", "rating": "green"})
    assert judge.status_code == (200 if role in REVIEWERS else 403), judge.content
    assert api.get(f"/api/v1/returns/{drafts['ret']}/").status_code == read
    accept = api.post(f"/api/v1/returns/{drafts['ret']}/accept/")
    assert accept.status_code == (200 if role in REVIEWERS else 403), accept.content
    submit = api.post(f"/api/v1/returns/{drafts['draft']}/submit/")
    assert submit.status_code == (200 if role in EDITORS else 403), submit.content


def test_provider_user_cannot_reach_another_providers_return(world, drafts, client_for):
    client, api = client_for(world.user(Role.PROVIDER)), world.api(Role.PROVIDER)
    for url in FOREIGN:
        target = url.format(**drafts)
        response = api.get(target) if target.startswith("/api/") else client.get(target)
        assert response.status_code == 404, target


def test_provider_user_cannot_submit_another_providers_return(world, drafts):
    response = world.api(Role.PROVIDER).post(f"/api/v1/returns/{drafts['other_draft']}/submit/")
    assert response.status_code == 404


def test_icb_staff_cannot_reach_another_icbs_return(world, client_for):
    foreign = submitted_return(world.foreign_provider)
    assert client_for(world.user(Role.DESIGNATED)).get(f"/returns/{foreign.pk}/").status_code == 404
    assert world.api(Role.DESIGNATED).get(f"/api/v1/returns/{foreign.pk}/").status_code == 404

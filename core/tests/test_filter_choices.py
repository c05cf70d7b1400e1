"""Filter choices are scoped (core.filters.ScopedChoicesFilterSet): an id of another ICB's record
answers exactly like an id that does not exist, on every filterset of the API and of the pages, so
a filter never confirms that another ICB's record exists."""

import datetime as dt
import importlib

import django_filters
import pytest
from django.apps import apps
from django.utils import timezone

from assurance import actions as assurance_actions
from assurance.tests.factories import framework
from config.api_urls import router
from core.choices import Role
from core.filters import ScopedChoicesFilterSet
from core.testing import make_organisation, make_user
from reviews import actions as review_actions

MISSING = 987654321
CHOICE_FILTERS = (django_filters.ModelChoiceFilter, django_filters.ModelMultipleChoiceFilter)


def scoped_choice_params():
    """(list url, query parameter, model) for every choice of a scoped record in every API filterset."""
    params = []
    for prefix, viewset, _ in router.registry:
        filterset = getattr(viewset, "filterset_class", None)
        for name, filter_ in (filterset.base_filters if filterset else {}).items():
            model = getattr(getattr(filter_, "queryset", None), "model", None)
            if isinstance(filter_, CHOICE_FILTERS) and hasattr(model, "access"):
                params.append(pytest.param(f"/api/v1/{prefix}/", name, model._meta.label, id=f"{prefix}?{name}"))
    return params


@pytest.fixture
def world(shared_world, db):
    """Built once for the module (conftest.module_transaction): these tests only read it."""
    return shared_world


@pytest.fixture(scope="module")
def elsewhere(shared_world):
    """One record of every filterable kind, all in the other ICB."""
    world = shared_world
    designated = make_user(Role.DESIGNATED, world.other_icb)
    cycle = assurance_actions.do_open_cycle(
        icb=world.other_icb,
        framework=framework(),
        period_label="2026/27",
        due_date=timezone.localdate() + dt.timedelta(days=30),
        organisations=[world.foreign_provider],
        acting_user=designated,
    )
    partnership = make_organisation("scp", parent=world.other_icb, name="Elsewhere partnership")
    review = review_actions.do_open_review(
        kind="rapid_review",
        subject_reference="Child Z",
        lead_partnership=partnership,
        incident_date=timezone.localdate() - dt.timedelta(days=20),
        notification_date=timezone.localdate() - dt.timedelta(days=15),
        acting_user=designated,
    )
    from governance.tests.conftest import build_records

    governance = build_records(world.other_icb, [world.foreign_provider], designated, timezone.localdate())
    return {
        "governance.Committee": governance["committee"],
        "governance.Meeting": governance["meeting"],
        "governance.Policy": governance["policy"],
        "governance.MonitoringCheck": governance["check"],
        "organisations.Organisation": world.foreign_provider.pk,
        "assurance.Cycle": cycle.pk,
        "assurance.Assessment": cycle.assessments.get().pk,
        "assurance.Response": cycle.assessments.get().responses.first().pk,
        "reviews.Review": review.pk,
    }


def test_every_filterset_uses_the_scoped_base():
    for config in apps.get_app_configs():
        try:
            module = importlib.import_module(f"{config.name}.filters")
        except ModuleNotFoundError:
            continue
        for value in vars(module).values():
            if isinstance(value, type) and issubclass(value, django_filters.FilterSet):
                assert issubclass(value, ScopedChoicesFilterSet), f"{config.name}.filters.{value.__name__}"


def test_every_scoped_choice_is_covered():
    assert {p.values[2] for p in scoped_choice_params()} >= {"organisations.Organisation"}


@pytest.mark.parametrize("role", [Role.DESIGNATED, Role.PROVIDER])
@pytest.mark.parametrize(("url", "param", "model"), scoped_choice_params())
def test_another_icbs_id_answers_like_a_missing_id(world, elsewhere, role, url, param, model):
    assert model in elsewhere, f"add a record of {model} in the other ICB to the `elsewhere` fixture"
    api = world.api(role)
    foreign = api.get(url, {param: elsewhere[model]})
    missing = api.get(url, {param: MISSING})
    assert foreign.status_code == missing.status_code, (foreign.content, missing.content)
    # the same message, the value sent echoed at most
    assert foreign.content.replace(str(elsewhere[model]).encode(), b"<id>") == missing.content.replace(
        str(MISSING).encode(), b"<id>"
    )
    if missing.status_code != 403:  # a role that may not list at all is refused before any filter
        assert missing.status_code == 400 and param in missing.json()


def test_own_choices_still_filter(world, client_for):
    """The scoping keeps what the user may see: the designated professional filters by their own provider."""
    from core import actions

    action = actions.do_create_standalone_action(
        organisation=world.provider,
        arising_from="other",
        occasion="Visit",
        title="t",
        owner="o",
        due_date=timezone.localdate(),
        success_measure="m",
        acting_user=world.user(Role.DESIGNATED),
    )
    api = world.api(Role.DESIGNATED)
    assert [a["id"] for a in api.get("/api/v1/actions/", {"organisation": world.provider.pk}).json()["results"]] == [
        action.pk
    ]
    assert api.get("/api/v1/actions/", {"organisation": world.other_provider.pk}).json()["results"] == []
    provider = world.api(Role.PROVIDER)
    assert provider.get("/api/v1/actions/", {"organisation": world.other_provider.pk}).status_code == 400


PAGES = [
    ("/actions/", "organisation"),
    ("/organisations/", "parent"),
    ("/organisations/contracts/", "provider"),
    ("/returns/", "provider"),
    ("/assurance/", "organisation"),
    ("/reviews/", "lead_partnership"),
    ("/casework/serious-incidents/", "organisation"),
]


@pytest.mark.parametrize(("url", "param"), PAGES)
def test_pages_ignore_another_icbs_id_like_a_missing_id(world, client_for, url, param):
    client = client_for(world.user(Role.DESIGNATED))
    assert client.get(url).status_code == 200, f"{url} moved: update PAGES"
    foreign = client.get(url, {param: world.foreign_provider.pk})
    missing = client.get(url, {param: MISSING})
    assert foreign.status_code == missing.status_code == 200
    assert world.foreign_provider.name not in foreign.content.decode()
    assert _listed(foreign.context) == _listed(missing.context) == _listed(client.get(url).context)


def _listed(context):
    for key in ("actions", "rows", "page_obj", "object_list", "organisations", "contracts", "returns", "reviews"):
        if key in context:
            return repr(list(context[key]))
    return None

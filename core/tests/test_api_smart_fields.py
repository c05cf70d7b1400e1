"""The API's SMART action fields are what the tracker refuses without: required in the schema and in validation, with
the one SMART rule's messages (core.rules.smart_action_problems), on every endpoint that raises an action."""

import datetime as dt

import pytest
from django.utils import timezone
from rest_framework import serializers

from core.api import TrackedActionSerializer, smart_action_serializer_fields
from core.choices import Role
from core.rules import smart_action_problems

BLANK = smart_action_problems(title="", owner="", due_date=None, success_measure="", today=None)
SMART = ("title", "owner", "due_date", "success_measure")


def test_every_smart_field_is_required_with_the_rules_message():
    class Probe(serializers.Serializer):
        title, owner, due_date, success_measure = smart_action_serializer_fields().values()

    missing = Probe(data={})
    assert not missing.is_valid()
    assert {name: errors[0] for name, errors in missing.errors.items()} == BLANK
    blank = Probe(data={"title": " ", "owner": "", "due_date": None, "success_measure": ""})
    assert not blank.is_valid()
    assert {name: errors[0] for name, errors in blank.errors.items()} == BLANK
    fields = TrackedActionSerializer().fields
    assert all(fields[name].required for name in SMART)


def test_the_schema_marks_them_required():
    from drf_spectacular.generators import SchemaGenerator

    schemas = SchemaGenerator().get_schema(request=None, public=True)["components"]["schemas"]
    for name in ("TrackedActionRequest", "InspectionActionRequest"):
        assert set(SMART) <= set(schemas[name]["required"]), name


@pytest.mark.django_db
def test_a_post_without_them_is_a_400_naming_each_and_a_past_due_date_is_refused(world):
    api = world.api(Role.DESIGNATED)
    body = {"organisation": world.provider.pk, "arising_from": "other", "occasion": "Visit"}
    response = api.post("/api/v1/actions/", {**body, "title": "", "due_date": None}, format="json")
    assert response.status_code == 400
    assert {name: response.json()[name][0] for name in SMART} == BLANK
    past = (timezone.localdate() - dt.timedelta(days=1)).isoformat()
    smart = {"title": "Fix", "owner": "Lead", "due_date": past, "success_measure": "Fixed"}
    response = api.post("/api/v1/actions/", {**body, **smart}, format="json")
    assert response.status_code == 400 and response.json()["due_date"] == ["The due date cannot be in the past."]

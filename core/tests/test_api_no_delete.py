"""Records are archived, never deleted: the API documents no DELETE operation and offers no DELETE route; a
DELETE is a 405 that says to archive instead."""

import datetime as dt

from django.urls import URLResolver, get_resolver
from drf_spectacular.generators import SchemaGenerator

from core.api import ARCHIVE_NOT_DELETE, days_remaining
from core.choices import Role


def test_no_operation_in_the_schema_is_a_delete(db):
    paths = SchemaGenerator().get_schema(request=None, public=True)["paths"]
    deletes = [path for path, operations in paths.items() if "delete" in operations]
    assert deletes == []
    assert "/api/v1/organisations/{id}/archive/" in paths  # archive stays


def _callbacks(patterns):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _callbacks(pattern.url_patterns)
        else:
            yield pattern.callback


def test_no_route_maps_delete():
    routed = [callback for callback in _callbacks(get_resolver().url_patterns) if getattr(callback, "actions", None)]
    assert len(routed) > 50
    assert [callback.cls.__name__ for callback in routed if "delete" in callback.actions] == []


def test_a_delete_is_a_405_that_says_to_archive(world):
    response = world.api(Role.DESIGNATED).delete(f"/api/v1/organisations/{world.provider.pk}/")
    assert response.status_code == 405
    assert response.json()["detail"] == ARCHIVE_NOT_DELETE
    assert "DELETE" not in response["Allow"]


def test_days_remaining_counts_calendar_days_and_goes_negative_once_overdue():
    today = dt.date(2026, 12, 3)
    assert days_remaining(dt.date(2026, 12, 10), today) == 7
    assert days_remaining(today, today) == 0
    assert days_remaining(dt.date(2026, 12, 1), today) == -2
    assert days_remaining(None, today) is None

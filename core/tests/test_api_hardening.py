"""Bad input is a 400 naming the field (or a form error on a page), never a 500: pagination, integer
bounds, JSON depth, query strings of pages, filter values, unique-constraint races (docs/api-hardening.md)."""

import datetime as dt
import json
import threading
import time

import pytest
from django.db import IntegrityError, connection, connections, transaction
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator
from rest_framework.exceptions import ParseError
from rest_framework.test import APIClient

from core import actions as tracker
from core.bounds import INT64_MAX, out_of_range
from core.choices import Role
from core.conflicts import is_unique_violation
from core.models import ClosureDay
from core.parsers import DepthLimitedJSONParser, depth
from returns.models import Return
from returns.tests.test_api import payload

HUGE = "99999999999999999999"


def tracked_action(world):
    return tracker.do_create_tracked_action(
        source=world.provider,
        organisation=world.provider,
        title="Write the policy",
        owner="Named nurse",
        due_date=timezone.localdate() + dt.timedelta(days=30),
        success_measure="Policy ratified",
        acting_user=world.user(Role.DESIGNATED),
    )


class TestArchiveRoute:
    def test_a_viewset_without_an_archive_action_has_no_archive_route(self, world):
        record = tracked_action(world)
        response = world.api(Role.DESIGNATED).post(f"/api/v1/actions/{record.pk}/archive/")
        assert response.status_code == 404
        paths = SchemaGenerator().get_schema(request=None, public=True)["paths"]
        assert "/api/v1/actions/{id}/archive/" not in paths
        assert "/api/v1/organisations/{id}/archive/" in paths


class TestPagination:
    @pytest.fixture
    def api(self, world, settings):
        settings.VIGIL = {**settings.VIGIL, "API_MAX_LIMIT": 2}
        return world.api(Role.DESIGNATED)

    def test_a_huge_limit_is_capped_at_the_maximum(self, api):
        body = api.get("/api/v1/organisations/", {"limit": HUGE}).json()
        assert body["count"] > 2
        assert len(body["results"]) == 2
        assert "limit=2" in body["next"]

    def test_the_maximum_itself_is_allowed(self, api):
        assert len(api.get("/api/v1/organisations/", {"limit": 2}).json()["results"]) == 2
        assert len(api.get("/api/v1/organisations/", {"limit": 1}).json()["results"]) == 1

    @pytest.mark.parametrize(
        ("name", "value"),
        [("limit", "abc"), ("limit", "-1"), ("limit", "0"), ("limit", "1.5"), ("offset", "-1"), ("offset", "x")],
    )
    def test_garbage_or_negative_is_a_400_naming_the_parameter(self, api, name, value):
        response = api.get("/api/v1/organisations/", {name: value})
        assert response.status_code == 400
        assert list(response.json()) == [name]

    def test_an_offset_beyond_any_column_is_a_400_and_a_large_one_an_empty_page(self, api):
        assert list(api.get("/api/v1/organisations/", {"offset": HUGE}).json()) == ["offset"]
        body = api.get("/api/v1/organisations/", {"offset": str(INT64_MAX)}).json()
        assert body["results"] == []


class TestIntegerBounds:
    def test_a_return_figure_beyond_a_64_bit_column_is_a_400_naming_metric_and_field(self, world):
        data = payload(world.provider)
        data["values"]["SUP"] = {"numerator": 2**63, "denominator": 2**63}
        response = world.api(Role.PROVIDER).post("/api/v1/returns/", data, format="json")
        assert response.status_code == 400
        assert "SUP / numerator: is too large" in json.dumps(response.json())
        assert not Return.objects.exists()

    def test_a_model_integer_field_is_bounded_by_its_postgresql_column_on_every_database(self, world):
        from reviews.actions import do_open_review

        review = do_open_review(
            kind="rapid_review",
            subject_reference="Child B",
            incident_date=timezone.localdate() - dt.timedelta(days=5),
            notification_date=timezone.localdate() - dt.timedelta(days=3),
            acting_user=world.user(Role.DESIGNATED),
        )
        api = world.api(Role.DESIGNATED)
        too_big = api.patch(f"/api/v1/reviews/{review.pk}/", {"subject_age": 32768}, format="json")
        assert too_big.status_code == 400
        assert list(too_big.json()) == ["subject_age"]
        largest = api.patch(f"/api/v1/reviews/{review.pk}/", {"subject_age": 32767}, format="json")
        assert largest.status_code == 200, largest.content

    @pytest.mark.parametrize(
        ("value", "expected"),
        [(str(INT64_MAX), False), (str(INT64_MAX + 1), True), (str(-(2**63)), False), (str(-(2**63) - 1), True)]
        + [("1e30", True), ("abc", False), ("12", False), (None, False), (True, False), ("NaN", False)],
    )
    def test_out_of_range_at_the_64_bit_boundaries(self, value, expected):
        assert out_of_range(value) is expected


class TestJSONDepth:
    def test_json_nested_50000_deep_is_a_400(self, world):
        body = "[" * 50_000 + "]" * 50_000
        response = world.api(Role.DESIGNATED).post("/api/v1/actions/", body, content_type="application/json")
        assert response.status_code == 400
        assert "nested" in response.json()["detail"]

    def test_the_limit_is_64_levels(self):
        parser = DepthLimitedJSONParser()
        parse = lambda levels: parser.parse(_stream("[" * levels + "]" * levels))  # noqa: E731
        assert depth(parse(64), 64) == 64
        with pytest.raises(ParseError):
            parse(65)

    def test_depth_counts_objects_and_arrays_not_scalars(self):
        assert depth(1, 64) == 0
        assert depth({"a": [1, {"b": []}]}, 64) == 4


def _stream(text):
    import io

    return io.BytesIO(text.encode())


class TestQueryStringsOfPages:
    @pytest.mark.parametrize("query", ["from=notadate", "to=2026-13-45", "action=abc", f"action={HUGE}"])
    def test_bad_audit_search_values_are_form_errors(self, world, client_for, query):
        response = client_for(world.user(Role.AUDITOR)).get(f"/audit/?{query}")
        assert response.status_code == 200
        assert "There is a problem" in response.content.decode()

    def test_valid_audit_dates_still_filter(self, world, client_for):
        tomorrow = timezone.localdate() + dt.timedelta(days=1)
        response = client_for(world.user(Role.AUDITOR)).get(f"/audit/?from={tomorrow}")
        assert response.status_code == 200
        assert "There is a problem" not in response.content.decode()
        assert list(response.context["page"].object_list) == []

    @pytest.mark.parametrize("query", [f"year={HUGE}", "year=abc&quarter=9", f"quarter={HUGE}"])
    def test_a_bad_quarter_falls_back_to_the_current_one(self, world, client_for, query):
        response = client_for(world.user(Role.DESIGNATED)).get(f"/reviews/notifications/?{query}")
        assert response.status_code == 200
        api = world.api(Role.DESIGNATED).get(f"/api/v1/reviews/notification-list/?{query}")
        assert api.status_code == 200
        assert api.json()["year"] == response.context["year"]

    def test_a_review_search_for_a_huge_or_non_ascii_reference_finds_nothing(self, world):
        api = world.api(Role.DESIGNATED)
        for q in (f"R{HUGE}", "R²", "R" + "9" * 5000):
            response = api.get("/api/v1/reviews/", {"q": q})
            assert response.status_code == 200
            assert response.json()["results"] == []

    def test_starting_a_return_for_a_provider_id_that_is_not_a_number_is_a_404(self, world, client_for):
        client = client_for(world.user(Role.DESIGNATED))
        for provider in ("abc", HUGE, "²"):
            response = client.post("/returns/start/", {"provider": provider, "quarter": "2025/26 Q4"})
            assert response.status_code == 404
        response = client.post("/returns/start/", {"provider": str(world.provider.pk), "quarter": "2025/26 Q4"})
        assert response.status_code == 302
        assert Return.objects.filter(provider=world.provider).exists()

    def test_starting_a_return_someone_started_at_the_same_moment_opens_theirs(self, world, client_for, monkeypatch):
        from returns import actions as return_actions

        real_start = return_actions.do_start_return

        def started_meanwhile(*, provider, quarter, acting_user):
            real_start(provider=provider, quarter=quarter, acting_user=acting_user)
            with transaction.atomic():
                return Return.objects.create(provider=provider, period=quarter.index, due_date=timezone.localdate())

        monkeypatch.setattr(return_actions, "do_start_return", started_meanwhile)
        response = client_for(world.user(Role.PROVIDER)).post("/returns/start/", {"quarter": "2025/26 Q4"})
        existing = Return.objects.get(provider=world.provider)
        assert response.status_code == 302
        assert response.url == f"/returns/{existing.pk}/"


class TestNulBytes:
    """PostgreSQL text cannot hold NUL: a code with one is a 400 naming the field on every database."""

    def test_a_review_kind_holding_a_nul_byte_is_a_400_naming_kind(self, world):
        from reviews.actions import do_open_review

        review = do_open_review(
            kind="rapid_review",
            subject_reference="Child N",
            incident_date=timezone.localdate() - dt.timedelta(days=5),
            notification_date=timezone.localdate() - dt.timedelta(days=3),
            acting_user=world.user(Role.DESIGNATED),
        )
        api = world.api(Role.DESIGNATED)
        response = api.patch(f"/api/v1/reviews/{review.pk}/", {"kind": "rapid\x00review"}, format="json")
        assert response.status_code == 400
        assert list(response.json()) == ["kind"]
        assert api.patch(f"/api/v1/reviews/{review.pk}/", {"kind": "rapid_review"}, format="json").status_code == 200

    def test_a_metric_code_holding_a_nul_byte_is_a_400_naming_metric(self, world):
        response = world.api(Role.DESIGNATED).post(
            "/api/v1/threshold-overrides/", {"metric": "TRN\x00-CH", "green_above": "90"}, format="json"
        )
        assert response.status_code == 400
        assert "metric" in response.json()

    @pytest.mark.parametrize("path", ["/api/v1/metrics/TRN%00-CH/", "/api/v1/judged-metrics/J%00/"])
    def test_a_code_in_the_path_holding_a_nul_byte_is_a_404(self, world, path):
        assert world.api(Role.DESIGNATED).get(path).status_code == 404


def test_a_page_form_refuses_huge_ids_in_a_multiple_choice_as_a_form_error(world, client_for):
    from reviews.actions import do_open_review

    review = do_open_review(
        kind="rapid_review",
        subject_reference="Child C",
        incident_date=timezone.localdate() - dt.timedelta(days=5),
        notification_date=timezone.localdate() - dt.timedelta(days=3),
        acting_user=world.user(Role.DESIGNATED),
    )
    response = client_for(world.user(Role.DESIGNATED)).post(
        f"/reviews/{review.pk}/recommendations/add/", {"text": "Train staff", "organisations": [HUGE, "1"]}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["organisations"] == ["That number is out of range."]


class TestFilterValues:
    @pytest.mark.parametrize(
        ("url", "name"),
        [
            ("/api/v1/review-recommendations/?organisations=", "organisations"),
            ("/api/v1/review-contributions/?review=", "review"),
            ("/api/v1/actions/?organisation=", "organisation"),
            ("/api/v1/assurance/assessments/?cycle=", "cycle"),
        ],
    )
    def test_a_huge_integer_in_a_filter_is_a_400_naming_it(self, world, url, name):
        for value in (HUGE, "1e30", f"-{HUGE}"):
            response = world.api(Role.DESIGNATED).get(url + value)
            assert response.status_code == 400, (url, value)
            assert list(response.json()) == [name]

    def test_the_largest_id_is_a_valid_filter_value(self, world):
        response = world.api(Role.DESIGNATED).get(f"/api/v1/review-contributions/?review={INT64_MAX}")
        assert response.status_code == 200

    def test_a_page_shows_a_huge_filter_value_as_a_form_error(self, world, client_for):
        response = client_for(world.user(Role.DESIGNATED)).get(f"/actions/?organisation={HUGE}")
        assert response.status_code == 200
        assert response.context["filter"].errors == {"organisation": ["That number is out of range."]}


class TestUniqueConflicts:
    def test_a_unique_violation_is_recognised_and_other_integrity_errors_are_not(self, world):
        day = timezone.localdate()
        ClosureDay.objects.create(icb=world.icb, date=day, reason="Bank holiday")
        with pytest.raises(IntegrityError) as duplicate, transaction.atomic():
            ClosureDay.objects.create(icb=world.icb, date=day, reason="Again")
        assert is_unique_violation(duplicate.value)
        assert not is_unique_violation(IntegrityError("NOT NULL constraint failed: core_closureday.reason"))
        assert not is_unique_violation(ValueError("UNIQUE constraint failed"))

    def test_the_api_answers_a_unique_race_with_409(self, world, monkeypatch):
        from returns import actions as return_actions

        def start_twice(*, provider, quarter, acting_user):
            """As if a second request inserted the same return between the check and the insert."""
            first = return_actions.do_start_return(provider=provider, quarter=quarter, acting_user=acting_user)
            return Return.objects.create(provider=provider, period=quarter.index, due_date=first.due_date)

        monkeypatch.setattr(return_actions, "get_or_start_return", start_twice)
        response = world.api(Role.PROVIDER).post("/api/v1/returns/", payload(world.provider), format="json")
        assert response.status_code == 409
        assert "same moment" in response.json()["detail"]
        assert not Return.objects.exists()

    def test_a_page_answers_a_unique_race_with_a_form_error(self, world, client_for, monkeypatch):
        from core import actions as core_actions

        day = timezone.localdate() + dt.timedelta(days=10)

        def add_twice(*, icb, acting_user, **fields):
            with transaction.atomic():
                ClosureDay.objects.create(icb=icb, **fields)
                return ClosureDay.objects.create(icb=icb, **fields)

        monkeypatch.setattr(core_actions, "do_add_closure_day", add_twice)
        response = client_for(world.user(Role.DESIGNATED)).post(
            "/closure-days/", {"date": day.isoformat(), "reason": "Training day"}
        )
        assert response.status_code == 200
        assert "same moment" in response.content.decode()


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="threads need a real server (SQLite: WAL test below)")
def test_five_concurrent_creates_of_one_return_make_one_return_and_no_500(world):
    from core.actions import do_create_api_token

    token = do_create_api_token(world.user(Role.PROVIDER), name="threads", acting_user=None)[1]
    data = payload(world.provider)
    barrier, statuses = threading.Barrier(5), []

    def create():
        try:
            client = APIClient()
            client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
            barrier.wait()
            statuses.append(client.post("/api/v1/returns/", data, format="json").status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=create) for _ in range(5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert Return.objects.filter(provider=world.provider).count() == 1
    assert sorted(statuses).count(201) == 1
    assert set(statuses) <= {201, 400, 409}, statuses


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's own locking")
def test_sqlite_writers_wait_for_each_other_instead_of_failing(django_db_blocker, tmp_path):
    """A writer that read first and then writes while another writes: with DEFERRED transactions this
    fails at once with "database is locked"; with IMMEDIATE (and the busy timeout) it waits its turn."""
    alias = "sqlite_file_for_locking_test"
    connections.settings[alias] = {**connections["default"].settings_dict, "NAME": str(tmp_path / "vigil.sqlite3")}
    first_wrote, errors = threading.Event(), []

    def in_thread(work):
        def run():
            try:
                work(connections[alias])
            except Exception as error:  # noqa: BLE001 - reported by the assertion below
                errors.append(error)
            finally:
                connections[alias].close()

        return threading.Thread(target=run)

    def first(conn):
        with transaction.atomic(using=alias):
            conn.cursor().execute("INSERT INTO counter VALUES (1)")
            first_wrote.set()
            time.sleep(0.5)

    def second(conn):
        first_wrote.wait()
        with transaction.atomic(using=alias):
            cursor = conn.cursor()
            cursor.execute("SELECT count(*) FROM counter")
            cursor.execute("INSERT INTO counter VALUES (2)")

    with django_db_blocker.unblock():
        try:
            with connections[alias].cursor() as cursor:
                cursor.execute("CREATE TABLE counter (n integer)")
                assert cursor.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
                assert cursor.execute("PRAGMA busy_timeout").fetchone()[0] == 20_000
            threads = [in_thread(first), in_thread(second)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            assert errors == []
            with connections[alias].cursor() as cursor:
                assert cursor.execute("SELECT count(*) FROM counter").fetchone()[0] == 2
        finally:
            connections[alias].close()
            del connections.settings[alias]


class TestFoundByTheFuzzer:
    def test_changing_the_concern_text_of_a_complex_health_need(self, world):
        from casework.tests.factories import concern

        record = concern(world)
        response = world.api(Role.DESIGNATED).patch(
            f"/api/v1/casework/complex-health-needs/{record.pk}/", {"concern": "Reworded concern."}, format="json"
        )
        assert response.status_code == 200, response.content
        assert response.json()["concern"] == "Reworded concern."

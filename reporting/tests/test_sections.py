"""The generated content of reports: every section builds from the modules' read sides, the snapshot is plain JSON
and deterministic, "as at" is honoured, small casework counts are suppressed and each section's queries are
constant whatever the number of providers."""

import datetime as dt
import json

import pytest
from django.utils import timezone

from core.choices import Role
from core.testing import count_queries, make_provider
from reporting.sections import SECTIONS, build_snapshot
from returns.tests.factories import Q, submitted_return

ALL_ICB_SECTIONS = [key for key in SECTIONS if key != "regions"]


def report_type(keys, code="annual-safeguarding"):
    sections = [{"key": "executive-summary", "title": "Executive summary", "kind": "narrative"}]
    sections += [{"key": key, "title": SECTIONS[key].title, "kind": "generated"} for key in keys]
    return {"code": code, "title": "Annual safeguarding report", "audience": "ICB Board", "sections": sections}


def snapshot(organisation, keys=ALL_ICB_SECTIONS, as_at=None, narratives=None):
    return build_snapshot(
        organisation=organisation,
        report_type=report_type(keys),
        period_start=Q.start,
        period_end=Q.end,
        as_at=as_at or timezone.now(),
        narratives=narratives if narratives is not None else {"executive-summary": "All well.\n\nMostly."},
    )


def open_reviews(world, n):
    from reviews import actions

    for i in range(n):
        actions.do_open_review(
            acting_user=None, icb=world.icb, kind="sar", subject_reference=f"Adult {i}", notification_date=Q.start
        )


@pytest.fixture
def data(world):
    from governance.tests.conftest import build_records

    submitted_return(world.provider, overrides={"TRN-CH": (10, 100)})  # red
    build_records(world.icb, [world.provider, world.other_provider], world.user(Role.DESIGNATED), Q.end)
    open_reviews(world, 3)
    return world


class TestSnapshot:
    def test_every_section_builds_plain_json_the_same_twice(self, data):
        at = timezone.now()
        first, second = snapshot(data.icb, as_at=at), snapshot(data.icb, as_at=at)
        assert json.dumps(first, sort_keys=True) == json.dumps(second, sort_keys=True)
        assert [s["key"] for s in first["sections"]] == ["executive-summary", *ALL_ICB_SECTIONS]
        assert first["report"]["period"]["label"] == Q.label
        assert first["report"]["organisation"]["name"] == "Test ICB"
        assert first["sections"][0]["blocks"] == [
            {"type": "paragraph", "text": "All well."},
            {"type": "paragraph", "text": "Mostly."},
        ]
        for section in first["sections"]:
            assert section["blocks"], section["key"]

    def test_the_returns_section_has_a_heatmap_with_names_in_the_glossary(self, data):
        result = snapshot(data.icb, keys=["returns"])
        blocks = result["sections"][1]["blocks"]
        heatmaps = [b for b in blocks if b["type"] == "heatmap"]  # one for each kind of provider
        heatmap = next(b for b in heatmaps if "Provider One" in b["row_labels"])
        assert heatmap["row_labels"] == ["Provider One", "Provider Two"]
        assert any(b["row_labels"] == ["Test ICB"] for b in heatmaps)  # an ICB makes a return too
        row = dict(zip(heatmap["column_labels"], heatmap["cells"][0], strict=True))
        assert row["TRN-CH"] == {"text": "Red", "rag": "red"}
        terms = {g["term"]: g["meaning"] for g in result["glossary"]}
        assert "TRN-CH" in terms and terms["TRN-CH"]
        assert any(b["type"] == "chart" and b["kind"] == "line" for b in blocks)

    def test_key_messages_count_reds_and_link_to_them(self, data):
        messages = {m["text"]: m for m in snapshot(data.icb)["key_messages"]}
        reds = messages["Red ratings in provider returns"]
        assert reds["count"] >= 1 and reds["severity"] == "red" and reds["url"].startswith("/")
        assert "Risks at the escalation threshold" in messages
        assert "Policies past their review date" in messages

    def test_an_empty_narrative_says_so(self, world):
        result = snapshot(world.icb, keys=[], narratives={})
        assert result["sections"][0]["blocks"] == [
            {"type": "paragraph", "text": "No narrative was written for this section."}
        ]


class TestAsAt:
    def test_a_return_submitted_after_the_as_at_time_is_not_counted(self, world):
        before = timezone.now() - dt.timedelta(minutes=5)
        submitted_return(world.provider)
        late_view = snapshot(world.icb, keys=["returns"], as_at=before)["sections"][1]["blocks"][0]
        now_view = snapshot(world.icb, keys=["returns"])["sections"][1]["blocks"][0]
        expected, submitted = late_view["rows"][0][:2]
        assert (expected, submitted) == (3, 0)
        assert now_view["rows"][0][:2] == [3, 1]


class TestSuppression:
    def test_review_counts_of_one_to_four_are_not_shown(self, world):
        open_reviews(world, 3)
        blocks = snapshot(world.icb, keys=["reviews", "casework"])["sections"]
        reviews = {row[0]: row[1] for row in blocks[1]["blocks"][0]["rows"]}
        assert reviews["Reviews opened in the period"] == "fewer than 5"
        assert reviews["Reviews open"] == "fewer than 5"
        casework = blocks[2]["blocks"][1]
        assert casework["rows"][-1][0] == "All registers"


class TestQueries:
    def test_each_section_runs_the_same_queries_for_more_providers(self, data):
        at = timezone.now()
        few, _ = count_queries(lambda: snapshot(data.icb, as_at=at))
        for n in range(3):
            submitted_return(make_provider(data.icb, name=f"Extra {n}"))
        many, _ = count_queries(lambda: snapshot(data.icb, as_at=at))
        assert many == few


class TestRegion:
    def test_the_regional_report_rolls_up_the_regions_icbs(self, world):
        result = snapshot(world.region, keys=["regions"])
        table = result["sections"][1]["blocks"][0]
        assert [row[0] for row in table["rows"]] == ["Test ICB"]
        assert result["key_messages"] == []

import datetime as dt
import json

from core.calendar import ENGLAND
from reviews import rules
from reviews.models import MilestoneRule, ReviewKind, Theme
from reviews.reference import REVIEW_KINDS_FILE, sync_reference_data

EXPECTED_KINDS = {
    "rapid_review",
    "cspr_local",
    "cspr_national",
    "child_death",
    "sar",
    "dhr",
    "leder",
    "imr",
    "serious_incident",
    "mh_homicide",
    "mappa",
}


def test_every_review_kind_is_loaded_with_its_milestones(db):
    assert set(ReviewKind.objects.values_list("code", flat=True)) == EXPECTED_KINDS
    for kind in ReviewKind.objects.prefetch_related("milestone_rules"):
        assert kind.milestone_rules.exists(), kind.code
        for rule in kind.milestone_rules.all():
            assert rule.source and rule.setting.startswith("REVIEWS_")


def test_the_defaults_from_the_sources(db):
    def rule(kind, code):
        return MilestoneRule.objects.get(kind__code=kind, code=code).as_rule()

    panel = rule("rapid_review", "panel_notified")
    assert (panel.base, panel.unit, panel.amount, panel.met_by) == ("awareness", "working_days", 5, "notification")
    rapid = rule("rapid_review", "rapid_review_done")
    assert (rapid.base, rapid.unit, rapid.amount) == ("notification", "working_days", 15)
    cspr = rule("cspr_local", "cspr_published")
    assert (cspr.base, cspr.unit, cspr.amount, cspr.met_by) == ("initiation", "calendar_months", 6, "publication")
    assert "DUDLEY 30.2" in cspr.source


def test_a_setting_overrides_the_default(db, settings):
    settings.VIGIL = {**settings.VIGIL, "REVIEWS_RAPID_REVIEW_WORKING_DAYS": 10}
    assert MilestoneRule.objects.get(code="rapid_review_done").as_rule().amount == 10


def test_loading_twice_changes_nothing(db):
    counts = (ReviewKind.objects.count(), MilestoneRule.objects.count(), Theme.objects.count())
    sync_reference_data(ReviewKind, MilestoneRule, Theme)
    assert (ReviewKind.objects.count(), MilestoneRule.objects.count(), Theme.objects.count()) == counts
    data = json.loads(REVIEW_KINDS_FILE.read_text())
    assert counts[1] == sum(len(k["milestones"]) for k in data["kinds"])
    assert {"Neglect", "Domestic abuse", "Was not brought", "Professional curiosity"} <= set(
        Theme.objects.values_list("name", flat=True)
    )


# Counted by hand from Thursday 24 December 2026: Christmas Day, Boxing Day (substitute Monday 28
# December) and New Year's Day are skipped; calendar months keep the day of the month.
CHRISTMAS_EVE = dt.date(2026, 12, 24)
EXPECTED_FROM_CHRISTMAS_EVE = {
    ("working_days", 1): dt.date(2026, 12, 29),
    ("working_days", 2): dt.date(2026, 12, 30),
    ("working_days", 5): dt.date(2027, 1, 5),
    ("working_days", 15): dt.date(2027, 1, 19),
    ("working_days", 20): dt.date(2027, 1, 26),
    ("working_days", 30): dt.date(2027, 2, 9),
    ("working_days", 60): dt.date(2027, 3, 23),
    ("calendar_months", 1): dt.date(2027, 1, 24),
    ("calendar_months", 6): dt.date(2027, 6, 24),
}


def test_every_milestone_rule_of_every_kind_gives_the_date_counted_by_hand(db):
    for record in MilestoneRule.objects.select_related("kind"):
        rule = record.as_rule()
        due = rules.milestone_due(rule, {rule.base: CHRISTMAS_EVE}, ENGLAND)
        assert due == EXPECTED_FROM_CHRISTMAS_EVE[(rule.unit, rule.amount)], (record.kind.code, rule.code)
        assert rules.milestone_due(rule, {}, ENGLAND) is None  # pending until its base date is set
        later = {name: CHRISTMAS_EVE for name in rules.DATE_FIELDS if name != rule.base}
        (milestone,) = rules.milestones([rule], later, ENGLAND, CHRISTMAS_EVE)
        assert milestone.due is None  # other dates set: still no guessed due date
        assert milestone.state == (rules.MET if rule.met_by else rules.PENDING)

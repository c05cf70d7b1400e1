import json

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

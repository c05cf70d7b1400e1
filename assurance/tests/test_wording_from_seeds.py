"""Frameworks worded as the seeds word them (issue 16 item 8)."""

import json

import pytest

from assurance import conf, rules
from assurance.reference import FRAMEWORKS_DIR


def requirement(name, code):
    data = json.loads((FRAMEWORKS_DIR / f"{name}.json").read_text())
    return next(r for s in data["sections"] for r in s["requirements"] if r["code"] == code)


def test_s11_2_is_a_senior_board_level_lead():
    """[NEL §4.1 standard 2: "A senior board level lead"]."""
    assert "senior board level lead" in requirement("section11_children", "S11-2")["title"]


def test_s11_4_keeps_equality():
    """[NEL §4.1 standard 4]."""
    assert (
        "regardless of gender, sexuality, disability, ethnicity, faith or cultural background"
        in requirement("section11_children", "S11-4")["guidance"]
    )


@pytest.mark.parametrize(
    ("name", "code", "phrases"),
    [
        ("section11_children", "S11-6", ["adults-only services", "consultant paediatrician", "A&E staff"]),
        ("section11_children", "S11-8", ["analysis of the information and how it affects the child's safety"]),
        ("section11_children", "S11-10", ["volunteers, charity fundraisers and celebrities", "temporary and agency"]),
        ("section11_children", "S11-11", ["formally evaluated", "database of uptake", "appraisal"]),
        ("section11_children", "S11-12", ["confidential emotional support", "both clinical and safeguarding"]),
        ("safeguarding_adults", "SA-2", ["chaperoning policy made available to patients", "never family or friends"]),
        ("safeguarding_adults", "SA-8", ["clinical lead for adult safeguarding at each hospital"]),
        ("safeguarding_adults", "SA-9", ["activity and quality", "safeguarding adults board's annual report"]),
    ],
)
def test_evidence_items_dropped_before_are_restored(name, code, phrases):
    """[NEL §4.1 standards 6, 8, 10, 11, 12; §5.2 standards 2, 8, 9]."""
    row = requirement(name, code)
    text = row["title"] + " " + row["guidance"]
    assert all(phrase in text for phrase in phrases)


def test_sa_11_applies_to_nhs_111_and_out_of_hours():
    assert "nhs_111_ooh" in requirement("safeguarding_adults", "SA-11")["applies_to"]


def test_icb_9_lists_the_adult_mca_and_named_gp_posts():
    """[DDICB Roles and Responsibilities; SAAF 4.7-4.8]."""
    title = requirement("icb_duties", "ICB-9")["title"]
    assert "designated professional for adult safeguarding" in title and "designated MCA lead" in title
    assert "named GPs for children and adults" in title


def test_lampard_refresher_and_dbs_follow_settings(settings):
    """[DUDLEY 20.6: annual level 1 update; CPCCG 12: every three years; DUDLEY 7.5: annual self-disclosure]."""
    l4, l5 = requirement("lampard", "L-4")["guidance"], requirement("lampard", "L-5")["guidance"]
    assert "every year" in rules.worded(l4, conf.setting_phrases())
    assert "annual self-disclosure" in rules.worded(l5, conf.setting_phrases())
    settings.VIGIL = {**settings.VIGIL, "ASSURANCE_REFRESHER_MONTHS": 36, "ASSURANCE_DBS_RECHECK_MONTHS": 36}
    assert "refresher training every 3 years" in rules.worded(l4, conf.setting_phrases())
    assert "a DBS recheck every 3 years" in rules.worded(l5, conf.setting_phrases())
    assert rules.refresher_phrase(18) == "safeguarding refresher training every 18 months"


def test_wording_leaves_unknown_placeholders_and_stray_braces_alone():
    assert rules.worded("a {nothing} b", {}) == "a {nothing} b"
    assert rules.worded("a { b", {"refresher": "x"}) == "a { b"


@pytest.mark.django_db
def test_the_new_versions_are_loaded_by_the_data_migrations_beside_the_old():
    from assurance.models import Framework

    for key, old, new in [
        ("section11-children", "2019.1", "2026.1"),
        ("lampard-2015", "2015.1", "2026.1"),
    ]:
        assert set(Framework.objects.filter(key=key).values_list("version", flat=True)) >= {old, new}

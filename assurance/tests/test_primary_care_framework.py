"""The primary care safeguarding framework (issue 13 item 5), worded from part C3 of the reference."""

import json

import pytest

from assurance.reference import FRAMEWORKS_DIR

DATA = json.loads((FRAMEWORKS_DIR / "primary_care.json").read_text())


def requirement(code):
    return next(r for s in DATA["sections"] for r in s["requirements"] if r["code"] == code)


def test_applies_to_gp_practices_and_cites_a_source_per_requirement():
    assert DATA["applies_to"] == ["gp_practice"]
    rows = [r for s in DATA["sections"] for r in s["requirements"]]
    assert len(rows) == 10
    assert all(r["source"].startswith(("DUDLEY", "DDICB")) for r in rows)


@pytest.mark.parametrize(
    ("code", "phrases"),
    [
        ("PC-1", ["lead and a deputy lead", "named GP"]),  # [DUDLEY §8.4]
        ("PC-2", ["list of its staff's safeguarding training"]),  # [DUDLEY §8.4]
        ("PC-3", ["reports for child protection conferences"]),  # [DUDLEY §8.4]
        ("PC-4", ["not brought", "right person and address", "line manager"]),
        ("PC-5", ["0–5 health visitor and GP", "16–18 GP only", "more than three incidents in six months"]),
        ("PC-6", ["three or more", "12 months", "NHS 111"]),  # [DUDLEY §13.3]
        ("PC-7", ["MARAC", "all named persons"]),
        ("PC-8", ["Think Family", "all individuals living at the same address"]),
        ("PC-9", ["review date", "latest code of an on/off pair"]),
        ("PC-10", ["reconciled against the local authority's lists"]),
    ],
)
def test_each_part_of_c3_is_a_requirement(code, phrases):
    row = requirement(code)
    text = row["title"] + " " + row["guidance"]
    assert all(phrase in text for phrase in phrases), code


@pytest.mark.django_db
def test_the_data_migration_loads_the_file_as_shipped():
    from assurance.models import Framework, Requirement
    from assurance.reference import differences

    framework = Framework.objects.get(key="primary-care-safeguarding", version="2026.1")
    assert framework.applies_to == ["gp_practice"]
    assert differences(framework, DATA, Requirement) == []

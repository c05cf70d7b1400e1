"""Computed clocks in the casework API: each record carries its due dates (the LADO's, the follow-up's, the
outcome chase's...) with status, days remaining and overdue, read-only, as the record's page shows them."""

import datetime as dt

from django.utils import timezone

from casework.tests import factories
from core.choices import Role

FRIDAY = factories.RECENT  # 20 November 2026
NEXT_WORKING_DAY = dt.date(2026, 11, 23)  # the LADO within one working day [NEL Std 10]


def create_allegation(world):
    payload = {
        "organisation": world.provider.pk,
        "person_name": "Invented Person",
        "person_role": "Porter",
        "category": "risk",
        "summary": "Synthetic.",
        "made_on": FRIDAY.isoformat(),
    }
    api = world.api(Role.HR)
    created = api.post("/api/v1/casework/allegations/", payload, format="json")
    assert created.status_code == 201, created.json()
    return api, created.json()


def test_an_allegation_returns_its_lado_clock(world):
    api, created = create_allegation(world)
    body = api.get(f"/api/v1/casework/allegations/{created['id']}/").json()
    lado = next(clock for clock in body["clocks"] if clock["label"] == "Inform the LADO")
    left = (NEXT_WORKING_DAY - timezone.localdate()).days
    assert lado == {
        "label": "Inform the LADO",
        "due_date": NEXT_WORKING_DAY.isoformat(),
        "due_at": None,
        "window_starts_on": None,
        "done_on": None,
        "status": "overdue" if left < 0 else ("due_today" if left == 0 else "due"),
        "days_remaining": left,
        "overdue": left < 0,
    }
    listed = api.get("/api/v1/casework/allegations/").json()["results"][0]
    assert [clock["label"] for clock in listed["clocks"]] == [clock["label"] for clock in body["clocks"]]


def test_a_clock_once_done_has_no_days_remaining_and_the_clocks_are_read_only(world):
    api, created = create_allegation(world)
    url = f"/api/v1/casework/allegations/{created['id']}/"
    done = api.patch(url, {"lado_informed_on": NEXT_WORKING_DAY.isoformat()}, format="json")
    assert done.status_code == 200, done.json()
    lado = next(clock for clock in done.json()["clocks"] if clock["label"] == "Inform the LADO")
    assert lado["status"] == "done" and lado["done_on"] == NEXT_WORKING_DAY.isoformat()
    assert lado["days_remaining"] is None and lado["overdue"] is False
    ignored = api.patch(url, {"clocks": []}, format="json")  # read-only: sent back, it changes nothing
    assert ignored.status_code == 200 and ignored.json()["clocks"] == done.json()["clocks"]


def test_a_telephone_referral_has_an_hour_clock_with_its_moment(world):
    api = world.api(Role.DESIGNATED)
    payload = {
        "organisation": world.icb.pk,
        "local_authority": factories.local_authority(world).pk,
        "subject_reference": "Child K",
        "referred_by": "Designated nurse",
        "category": "neglect",
        "route": "telephone",
        "referred_at": "2026-11-20T15:30:00Z",
    }
    created = api.post("/api/v1/casework/referrals/", payload, format="json")
    assert created.status_code == 201, created.json()
    follow_up = next(clock for clock in created.json()["clocks"] if clock["label"] == "Send the written follow-up")
    assert follow_up["due_at"] is not None and follow_up["due_date"] == follow_up["due_at"][:10]
    chase = next(clock for clock in created.json()["clocks"] if clock["label"] == "Chase the outcome of the referral")
    assert chase["due_at"] is None and chase["due_date"]

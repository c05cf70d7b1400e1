"""/api/v1/returns/: submission, unknown metric codes, all-or-nothing, scoping, review."""

import pytest

from core.choices import Role
from returns.models import MetricValue, Return
from returns.tests.factories import Q, entries_for, submitted_return

URL = "/api/v1/returns/"


def payload(provider, quarter=Q, submit=True, **kwargs):
    values = {}
    for code, entry in entries_for(provider, **kwargs).items():
        item = {"explanation": entry.explanation}
        if entry.numerator is not None:
            item["numerator"] = int(entry.numerator)
        if entry.denominator is not None:
            item["denominator"] = int(entry.denominator)
        if entry.date_value:
            item["date"] = entry.date_value.isoformat()
        if entry.breakdown:
            item["breakdown"] = {
                d: {c: [None if n is None else int(n), None if m is None else int(m)] for c, (n, m) in rows.items()}
                for d, rows in entry.breakdown.items()
            }
        values[code] = item
    return {"provider": provider.pk, "quarter": quarter.label, "values": values, "submit": submit}


def test_a_provider_submits_a_return_by_api(world):
    response = world.api(Role.PROVIDER).post(URL, payload(world.provider, pct=(91, 100)), format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "submitted"
    assert body["quarter"] == "2025/26 Q4"
    assert body["values"]["TRN-CH"]["rating"] == "green"
    assert body["values"]["TRN-CH"]["percentage"] == 91.0
    assert Return.objects.get().versions.get().source == "api"


def test_it_refuses_unknown_metric_codes_naming_them(world):
    data = payload(world.provider)
    data["values"]["TRN-XX"] = {"numerator": 1}
    data["values"]["ZZZ"] = {"numerator": 1}
    response = world.api(Role.PROVIDER).post(URL, data, format="json")
    assert response.status_code == 400
    assert response.json()["values"] == ["Unknown metric code: TRN-XX", "Unknown metric code: ZZZ"]
    assert not Return.objects.exists()


def test_a_numerator_above_its_denominator_stores_nothing(world):
    data = payload(world.provider)
    data["values"]["SUP"]["numerator"] = 101
    response = world.api(Role.PROVIDER).post(URL, data, format="json")
    assert response.status_code == 400
    assert "SUP / numerator" in response.json()
    assert not Return.objects.exists() and not MetricValue.objects.exists()


def test_a_non_numeric_value_is_named(world):
    data = payload(world.provider)
    data["values"]["ESC"]["breakdown"]["theme"]["threshold"] = ["many", None]
    response = world.api(Role.PROVIDER).post(URL, data, format="json")
    assert response.status_code == 400
    assert "ESC / theme: threshold / numerator: 'many' is not a number" in response.json()["values"]


def test_a_quarter_not_yet_ended_is_refused(world):
    from returns.rules import Quarter

    response = world.api(Role.PROVIDER).post(URL, payload(world.provider, quarter=Quarter(2030, 2)), format="json")
    assert response.status_code == 400
    assert "has not ended" in str(response.json())


def test_a_provider_cannot_submit_for_another_provider(world):
    response = world.api(Role.PROVIDER).post(URL, payload(world.other_provider), format="json")
    assert response.status_code == 400
    assert "provider" in response.json()
    assert not Return.objects.exists()


def test_a_read_only_role_cannot_submit(world):
    response = world.api(Role.BOARD).post(URL, payload(world.provider), format="json")
    assert response.status_code == 403


def test_a_provider_lists_only_its_own_returns(world):
    submitted_return(world.provider)
    submitted_return(world.other_provider)
    response = world.api(Role.PROVIDER).get(URL)
    assert [r["provider"] for r in response.json()["results"]] == [world.provider.pk]
    other = Return.objects.get(provider=world.other_provider)
    assert world.api(Role.PROVIDER).get(f"{URL}{other.pk}/").status_code == 404
    assert len(world.api(Role.DESIGNATED).get(URL).json()["results"]) == 2


def test_the_list_filters_by_quarter(world):
    submitted_return(world.provider)
    submitted_return(world.provider, quarter=Q.previous())
    response = world.api(Role.DESIGNATED).get(URL, {"quarter": "2025/26 Q3"})
    assert [r["quarter"] for r in response.json()["results"]] == ["2025/26 Q3"]


def test_the_designated_professional_sends_a_return_back_and_accepts_the_correction(world):
    ret = submitted_return(world.provider)
    api = world.api(Role.DESIGNATED)
    assert api.post(f"{URL}{ret.pk}/send-back/", {"comment": ""}, format="json").status_code == 400
    assert api.post(f"{URL}{ret.pk}/send-back/", {"comment": "Check L3."}, format="json").status_code == 200
    resubmit = world.api(Role.PROVIDER).post(URL, payload(world.provider, pct=(82, 100)), format="json")
    assert resubmit.status_code == 201, resubmit.content
    assert [v["number"] for v in resubmit.json()["versions"]] == [1, 2]
    assert world.api(Role.PROVIDER).post(f"{URL}{ret.pk}/accept/").status_code == 403
    assert api.post(f"{URL}{ret.pk}/accept/").json()["status"] == "accepted"


def test_returns_cannot_be_deleted(world):
    ret = submitted_return(world.provider)
    assert world.api(Role.DESIGNATED).delete(f"{URL}{ret.pk}/").status_code == 405


@pytest.mark.parametrize("extra", [{"unknown": 1}])
def test_unknown_fields_are_refused(world, extra):
    response = world.api(Role.PROVIDER).post(URL, {**payload(world.provider), **extra}, format="json")
    assert response.status_code == 400
    assert "unknown" in response.json()


def test_threshold_overrides_are_set_read_and_archived_through_the_api(world):
    import datetime as dt

    from organisations import actions as organisation_actions
    from returns.models import ThresholdOverride

    contract = organisation_actions.do_create_contract(
        provider=world.provider,
        reference="SYN-001",
        services="Synthetic community services",
        start_date=dt.date(2025, 4, 1),
        end_date=dt.date(2028, 3, 31),
        lead_commissioner=world.icb,
        acting_user=None,
    )
    api = world.api(Role.DESIGNATED)
    payload = {
        "contract": contract.pk,
        "metric": "TRN-CH",
        "effective_from": "2026/27 Q1",
        "green_above": "85",
        "amber_from": "70",
        "reason": "Agreed recovery trajectory for this contract.",
    }
    missing_reason = api.post("/api/v1/threshold-overrides/", {**payload, "reason": ""}, format="json")
    assert missing_reason.status_code == 400 and "reason" in missing_reason.json()
    out_of_range = api.post("/api/v1/threshold-overrides/", {**payload, "green_above": "150"}, format="json")
    assert out_of_range.status_code == 400 and "green_above" in out_of_range.json()
    created = api.post("/api/v1/threshold-overrides/", payload, format="json")
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["effective_from"] == "2026/27 Q1" and "above 85" in body["described"]
    assert world.api(Role.BOARD).post("/api/v1/threshold-overrides/", payload, format="json").status_code == 403
    assert world.api(Role.PROVIDER).get("/api/v1/threshold-overrides/").status_code == 200
    archived = api.post(f"/api/v1/threshold-overrides/{body['id']}/archive/")
    assert archived.status_code == 200
    assert ThresholdOverride.objects.get(pk=body["id"]).archived_at is not None

"""Judged quality metrics [CPCCG App. 3]: 11.a.1, 11.a.3 and 11.a.4 rated on judgement alone; 11.a.2, 11.a.5
and 11.b cap the numeric rating of the figures they name (green only with the evidence judged present)."""

from fractions import Fraction

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from hypothesis import given
from hypothesis import strategies as st

from core.choices import Role
from core.testing import count_queries, make_provider, pdf_bytes
from organisations.models import Organisation
from returns import actions, catalogue, reports, rules
from returns.models import JudgedMetric, JudgedRating, Return
from returns.tests.factories import Q, submitted_return

TRAINING_BANDS = rules.Scheme.from_dict(
    {"kind": "bands", "bands": [["gt", "90", "green"], ["ge", "75", "amber"]], "otherwise": "red"}
)
JUDGEMENTS = st.sampled_from([None, rules.RED, rules.AMBER, rules.GREEN])


def numeric(numerator, denominator):
    return rules.rate(TRAINING_BANDS, unit="percentage", numerator=numerator, denominator=denominator)


# ------------------------------------------------------------------------------------------------ the rule


@pytest.mark.parametrize(
    ("numerator", "judged", "expected"),
    [
        (9001, rules.GREEN, rules.GREEN),  # 90.01 %: green with the evidence judged present
        (9001, rules.AMBER, rules.AMBER),  # 90.01 % with no evidence of effect on practice: amber [CPCCG 11.b]
        (9500, rules.AMBER, rules.AMBER),  # the outside review's case: 95 % and no evidence
        (9000, rules.GREEN, rules.AMBER),  # exactly 90 % is amber on the number, whatever the evidence
        (7500, rules.GREEN, rules.AMBER),  # exactly 75 %: amber
        (7499, rules.GREEN, rules.RED),  # 74.99 %: red on the number
        (9500, rules.RED, rules.AMBER),  # any judgement short of green caps at amber: red is the number's to give
        (7000, rules.GREEN, rules.RED),  # under 75 % is red whatever the evidence
        (9500, None, rules.GREEN),  # not judged yet: the number stands, marked to rate
    ],
)
def test_the_judgement_caps_the_numeric_band_at_its_boundaries(numerator, judged, expected):
    combined = rules.combine(numeric(numerator, 10000), judged)
    assert combined.rating == expected
    assert combined.to_rate is (judged is None)


@given(
    numerator=st.integers(min_value=0, max_value=10000),
    denominator=st.integers(min_value=1, max_value=10000),
    judged=JUDGEMENTS,
)
def test_a_combined_rating_is_never_better_than_either_part(numerator, denominator, judged):
    numerator = min(numerator, denominator)
    number = numeric(numerator, denominator)
    combined = rules.combine(number, judged)
    order = rules.SEVERITY_ORDER
    assert order[combined.rating] <= order[number]
    if judged is not None:
        ceiling = rules.GREEN if judged == rules.GREEN else rules.AMBER
        assert combined.rating == rules.worst([number, ceiling])
        assert combined.rating != rules.RED or number == rules.RED  # red comes from the number only
    is_green = combined.rating == rules.GREEN
    assert is_green == (Fraction(100 * numerator, denominator) > 90 and judged in (rules.GREEN, None))


@given(number=st.sampled_from([rules.RED, rules.AMBER, rules.GREEN]), judged=JUDGEMENTS)
def test_with_the_cap_switched_off_the_number_alone_rates(number, judged):
    assert rules.combine(number, judged, cap=False).rating == number


def test_the_cell_says_which_part_drove_it():
    assert rules.combine(rules.GREEN, rules.AMBER).driver == rules.JUDGEMENT
    assert rules.combine(rules.AMBER, rules.RED).driver == rules.BOTH  # both say amber: a red judgement caps at amber
    assert rules.combine(rules.RED, rules.AMBER).driver == rules.NUMBER
    assert rules.combine(rules.AMBER, rules.AMBER).driver == rules.BOTH
    assert rules.combine(rules.NONE, rules.GREEN).rating == rules.NONE  # no figure, no rating


@pytest.mark.parametrize(
    ("rating", "reason", "problem"),
    [
        ("green", "", None),
        ("amber", "", "reason"),
        ("red", "   ", "reason"),
        ("amber", "No evidence of effect on practice.", None),
        ("purple", "x", "rating"),
        ("", "", "rating"),
    ],
)
def test_a_rating_other_than_green_needs_a_reason(rating, reason, problem):
    problems = rules.judgement_problems(rating, reason)
    assert (set(problems) == {problem}) if problem else problems == {}


# --------------------------------------------------------------------------------------------- catalogue


def test_the_six_judged_metrics_of_appendix_3_are_loaded_with_their_descriptors(db):
    judged = {j.code: j for j in JudgedMetric.objects.all()}
    assert set(judged) == {"11.a.1", "11.a.2", "11.a.3", "11.a.4", "11.a.5", "11.b"}
    for item in judged.values():
        assert {"amber", "green"} <= set(item.descriptors) <= {"red", "amber", "green"}
        assert item.source.startswith("CPCCG App. 3")
    assert judged["11.b"].caps == ["TRN-CH", "TRN-AD", "TRN-CIC", "TRN-PREV", "TRN-MCA"]
    assert judged["11.a.5"].caps == ["SUP"] and judged["11.a.2"].caps == ["MAM"]
    assert "executive nurse" in judged["11.a.3"].descriptors["red"].lower()


def test_descriptors_are_loaded_once_per_catalogue_version(db, monkeypatch):
    assert catalogue.sync_judged_metrics(JudgedMetric) == 0  # already loaded by the migration
    data = catalogue.judged_data()
    newer = {**data, "version": data["version"] + 1}
    newer["judged_metrics"] = [dict(row) for row in data["judged_metrics"]]
    newer["judged_metrics"][0] = {
        **newer["judged_metrics"][0],
        "descriptors": {"red": "R2", "amber": "A2", "green": "G2"},
    }
    monkeypatch.setattr(catalogue, "judged_data", lambda: newer)
    assert catalogue.sync_judged_metrics(JudgedMetric) == len(newer["judged_metrics"])
    assert JudgedMetric.objects.get(code="11.a.1").descriptors["red"] == "R2"
    assert catalogue.sync_judged_metrics(JudgedMetric) == 0


# ---------------------------------------------------------------------------------------------- actions


@pytest.fixture
def submitted(world):
    return submitted_return(world.provider, pct=(95, 100))


def judged(code):
    return JudgedMetric.objects.get(code=code)


def test_the_designated_professional_rates_and_revises_keeping_the_history(world, submitted):
    designated = world.user(Role.DESIGNATED)
    first = actions.do_rate_judged_metric(
        submitted,
        judged_metric=judged("11.a.1"),
        rating="amber",
        reason="Little onward action.",
        acting_user=designated,
    )
    second = actions.do_rate_judged_metric(
        submitted, judged_metric=judged("11.a.1"), rating="green", reason="", acting_user=designated
    )
    assert (first.revision, second.revision) == (1, 2)
    assert JudgedRating.objects.filter(return_obj=submitted).count() == 2
    assert reports.current_judgements([submitted.pk])[(submitted.pk, judged("11.a.1").pk)].rating == "green"
    assert first.descriptor == judged("11.a.1").descriptors["amber"]


def test_a_rating_without_a_reason_is_refused_and_nothing_is_stored(world, submitted):
    with pytest.raises(ValidationError) as error:
        actions.do_rate_judged_metric(
            submitted, judged_metric=judged("11.b"), rating="amber", reason="", acting_user=world.user(Role.DESIGNATED)
        )
    assert "reason" in error.value.message_dict
    assert not JudgedRating.objects.exists()


@pytest.mark.parametrize("role", [Role.PROVIDER, Role.BOARD, Role.CONTRACTS, Role.EXECUTIVE, Role.AUDITOR, Role.HR])
def test_only_the_safeguarding_team_rates(world, submitted, role):
    with pytest.raises(PermissionDenied):
        actions.do_rate_judged_metric(
            submitted, judged_metric=judged("11.b"), rating="green", reason="", acting_user=world.user(role)
        )
    assert not JudgedRating.objects.exists()


def test_a_return_not_yet_submitted_cannot_be_rated(world):
    draft = actions.do_start_return(provider=world.provider, quarter=Q, acting_user=None)
    with pytest.raises(ValidationError) as error:
        actions.do_rate_judged_metric(
            draft, judged_metric=judged("11.b"), rating="green", reason="", acting_user=world.user(Role.DESIGNATED)
        )
    assert "status" in error.value.message_dict
    assert not JudgedRating.objects.exists()


def test_evidence_is_saved_refused_when_unknown_and_carried_into_a_corrected_version(world):
    ret = actions.do_start_return(provider=world.provider, quarter=Q, acting_user=None)
    provider = world.user(Role.PROVIDER)
    with pytest.raises(ValidationError):
        actions.do_save_evidence(ret, answers={"11.b": {"nonsense": "x"}}, acting_user=provider)
    actions.do_save_evidence(
        ret, answers={"11.b": {"effect_on_practice": " Audit showed change. "}}, acting_user=provider
    )
    assert reports.evidence_of(reports.working_version(ret)) == {"11.b": {"effect_on_practice": "Audit showed change."}}
    submitted = submitted_return(world.provider)
    actions.do_return_for_correction(submitted, comment="Check.", acting_user=world.user(Role.DESIGNATED))
    assert reports.evidence_of(reports.working_version(submitted))["11.b"]["effect_on_practice"]


# ------------------------------------------------------------------------------------------ matrix and pages


def matrix_for(world):
    return reports.build_matrix(
        Organisation.objects.filter(icb=world.icb), Return.objects.all(), Q, icb_id=world.icb.pk
    )


def row_of(matrix, provider):
    return next(row for row in matrix.rows if row.provider == provider)


def test_a_provider_above_90_percent_without_evidence_is_amber_once_judged(world, submitted):
    before = row_of(matrix_for(world), world.provider)
    assert before.cells["TRN-CH"].rating == "green" and before.cells["TRN-CH"].combined.to_rate
    assert before.judged["11.b"].to_rate
    actions.do_rate_judged_metric(
        submitted,
        judged_metric=judged("11.b"),
        rating="amber",
        reason="No evidence that training alters practice.",
        acting_user=world.user(Role.DESIGNATED),
    )
    after = row_of(matrix_for(world), world.provider)
    assert after.cells["TRN-CH"].rating == "amber"
    assert after.cells["TRN-CH"].numeric_rating == "green"
    assert after.cells["TRN-CH"].combined.driver == rules.JUDGEMENT
    assert after.cells["SUP"].rating == "green"  # 11.a.5 not judged yet: the number stands
    assert not after.judged["11.b"].to_rate


def test_unrated_judged_metrics_are_counted_only_for_submitted_returns(world, submitted):
    actions.do_start_return(provider=world.other_provider, quarter=Q, acting_user=None)
    matrix = matrix_for(world)
    applicable = len(catalogue.judged_metrics_for(world.provider.kind))
    assert row_of(matrix, world.provider).to_rate == applicable
    assert row_of(matrix, world.other_provider).to_rate == 0
    assert matrix.to_rate == applicable


def test_the_matrix_query_count_does_not_grow_with_judged_returns(world):
    submitted_return(world.provider)
    first, _ = count_queries(lambda: matrix_for(world))
    for number in range(3):
        provider = make_provider(world.icb, name=f"Extra provider {number}")
        ret = submitted_return(provider)
        actions.do_rate_judged_metric(
            ret, judged_metric=judged("11.b"), rating="green", reason="", acting_user=world.user(Role.DESIGNATED)
        )
    more, _ = count_queries(lambda: matrix_for(world))
    assert more == first


def test_the_matrix_page_shows_judged_columns_and_what_drove_a_cell(world, submitted, client_for):
    actions.do_rate_judged_metric(
        submitted,
        judged_metric=judged("11.b"),
        rating="amber",
        reason="No evidence.",
        acting_user=world.user(Role.DESIGNATED),
    )
    html = client_for(world.user(Role.DESIGNATED)).get(f"/returns/matrix/?quarter={Q.slug}").content.decode()
    assert "11.a.1" in html and "To rate" in html
    assert "capped by the judgement of evidence" in html


def test_the_designated_professional_rates_on_the_page(world, submitted, client_for):
    client = client_for(world.user(Role.DESIGNATED))
    page = client.get(f"/returns/{submitted.pk}/judge/11.a.1/")
    assert judged("11.a.1").descriptors["amber"] in page.content.decode()
    refused = client.post(f"/returns/{submitted.pk}/judge/11.a.1/", {"rating": "amber", "reason": ""})
    assert refused.status_code == 200 and "needs one" in refused.content.decode()
    assert not JudgedRating.objects.exists()
    saved = client.post(f"/returns/{submitted.pk}/judge/11.a.1/", {"rating": "amber", "reason": "Thin onward action."})
    assert saved.status_code == 302
    assert JudgedRating.objects.get().reason == "Thin onward action."


def test_the_provider_sees_the_rating_and_reason_only_once_the_return_is_accepted(world, submitted, client_for):
    designated = world.user(Role.DESIGNATED)
    actions.do_rate_judged_metric(
        submitted,
        judged_metric=judged("11.a.1"),
        rating="red",
        reason="Nothing on onward action.",
        acting_user=designated,
    )
    provider = client_for(world.user(Role.PROVIDER))
    assert "Nothing on onward action." not in provider.get(f"/returns/{submitted.pk}/").content.decode()
    api_before = world.api(Role.PROVIDER).get(f"/api/v1/returns/{submitted.pk}/").json()
    assert api_before["judged"]["11.a.1"]["rating"] is None
    actions.do_accept_return(submitted, acting_user=designated)
    assert "Nothing on onward action." in provider.get(f"/returns/{submitted.pk}/").content.decode()
    api_after = world.api(Role.PROVIDER).get(f"/api/v1/returns/{submitted.pk}/").json()
    assert api_after["judged"]["11.a.1"] | {"rated_at": None} == {
        "evidence": {},
        "rating": "red",
        "to_rate": False,
        "reason": "Nothing on onward action.",
        "revision": 1,
        "rated_at": None,
        "caps": [],
    }


def test_the_provider_gives_evidence_on_the_page(world, client_for):
    ret = actions.do_start_return(provider=world.provider, quarter=Q, acting_user=None)
    client = client_for(world.user(Role.PROVIDER))
    assert client.get(f"/returns/{ret.pk}/evidence/").status_code == 200
    response = client.post(f"/returns/{ret.pk}/evidence/", {"11.b__effect_on_practice": "Audit of notes improved."})
    assert response.status_code == 302
    assert reports.evidence_of(reports.working_version(ret))["11.b"]["effect_on_practice"] == "Audit of notes improved."


def test_the_api_rates_and_lists_the_catalogue_with_descriptors(world, submitted):
    api = world.api(Role.DESIGNATED)
    catalogue_items = api.get("/api/v1/judged-metrics/").json()["results"]
    assert {item["code"] for item in catalogue_items} >= {"11.a.1", "11.b"}
    assert all({"amber", "green"} <= set(item["descriptors"]) for item in catalogue_items)
    refused = api.post(f"/api/v1/returns/{submitted.pk}/judge/", {"judged_metric": "11.b", "rating": "amber"})
    assert refused.status_code == 400 and "reason" in refused.json()
    unknown = api.post(f"/api/v1/returns/{submitted.pk}/judge/", {"judged_metric": "99.z", "rating": "green"})
    assert unknown.status_code == 400 and "judged_metric" in unknown.json()
    saved = api.post(
        f"/api/v1/returns/{submitted.pk}/judge/", {"judged_metric": "11.b", "rating": "amber", "reason": "No evidence."}
    )
    assert saved.status_code == 200
    values = saved.json()["values"]
    assert values["TRN-CH"]["rating"] == "amber" and values["TRN-CH"]["numeric_rating"] == "green"
    assert "judgement" in values["TRN-CH"]["rated_on"]


def test_the_provider_sends_evidence_through_the_api(world):
    ret = actions.do_start_return(provider=world.provider, quarter=Q, acting_user=None)
    api = world.api(Role.PROVIDER)
    response = api.post(
        f"/api/v1/returns/{ret.pk}/evidence/", {"answers": {"11.a.1": {"trends": "Steady."}}}, format="json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["judged"]["11.a.1"]["evidence"] == {"trends": "Steady."}
    bad = api.post(f"/api/v1/returns/{ret.pk}/evidence/", {"answers": {"11.a.1": {"x": "y"}}}, format="json")
    assert bad.status_code == 400


def test_the_facts_vigil_holds_are_shown_beside_11_a_3(world, submitted):
    rated, _ = reports.rate_return(submitted, reports.latest_submitted_versions([submitted])[submitted.pk], judged=True)
    facts = reports.judgement_facts(judged("11.a.3"), submitted, rated, {})
    labels = {fact.label: fact for fact in facts}
    assert labels["Annual safeguarding report"].met is True  # the factory's ANNUAL date
    assert labels["Section 11 self-assessment"].text == "none in Vigil"
    assert labels["Executive nurse or deputy at the partnerships"].text == "not stated"


def test_the_provider_attaches_an_evidence_file_served_only_in_scope(world, client_for):
    from django.core.files.uploadedfile import SimpleUploadedFile

    ret = actions.do_start_return(provider=world.provider, quarter=Q, acting_user=None)
    client = client_for(world.user(Role.PROVIDER))
    refused = client.post(
        f"/returns/{ret.pk}/evidence/attach/",
        {"judged_metric": judged("11.b").pk, "upload": SimpleUploadedFile("audit.pdf", b"<html>not a pdf</html>")},
    )
    assert refused.status_code == 200 and "not a PDF" in refused.content.decode()
    saved = client.post(
        f"/returns/{ret.pk}/evidence/attach/",
        {"judged_metric": judged("11.b").pk, "upload": SimpleUploadedFile("audit.pdf", pdf_bytes())},
    )
    assert saved.status_code == 302
    attachment = reports.attachments_of(reports.working_version(ret))["11.b"][0]
    download = client.get(f"/returns/evidence-file/{attachment.pk}/")
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF")
    other = client_for(world.other_provider_user).get(f"/returns/evidence-file/{attachment.pk}/")
    assert other.status_code == 404


def test_the_metric_catalogue_lists_every_code_with_its_scheme_and_the_judgement_that_caps_it(world):
    items = {m["code"]: m for m in world.api(Role.PROVIDER).get("/api/v1/metrics/?limit=100").json()["results"]}
    assert {m.code for m in catalogue.metrics_for(world.provider.kind)} <= set(items)
    assert items["TRN-CH"]["judged_by"]["code"] == "11.b"
    assert set(items["TRN-CH"]["judged_by"]["descriptors"]) == {"amber", "green"}
    assert items["ESC"]["judged_by"] is None
    assert "above 90" in items["TRN-CH"]["schemes"][0]["described"]


def test_a_provider_sees_no_cap_in_its_trend_before_acceptance(world, submitted, client_for):
    designated = world.user(Role.DESIGNATED)
    actions.do_rate_judged_metric(
        submitted, judged_metric=judged("11.b"), rating="amber", reason="No evidence.", acting_user=designated
    )
    quarters = rules.quarters_up_to(Q, 2)
    metrics = catalogue.metrics_for(world.provider.kind)
    own = world.user(Role.PROVIDER)
    before, judged_before = reports.trend_with_judgements(
        world.provider, Return.objects.restrict(own), quarters, metrics, user=own
    )
    assert before["TRN-CH"][-1][1].rating == "green" and judged_before["11.b"][-1][1] is None
    actions.do_accept_return(submitted, acting_user=designated)
    after, judged_after = reports.trend_with_judgements(
        world.provider, Return.objects.restrict(own), quarters, metrics, user=own
    )
    assert after["TRN-CH"][-1][1].rating == "amber" and judged_after["11.b"][-1][1].rating == "amber"
    assert client_for(own).get(f"/returns/provider/{world.provider.pk}/?quarter={Q.slug}").status_code == 200


def test_a_provider_sees_no_judgement_in_its_chart_or_in_an_action_it_opens_before_acceptance(
    world, submitted, client_for
):
    from unittest import mock

    from core.models import TrackedAction

    actions.do_rate_judged_metric(
        submitted,
        judged_metric=judged("11.b"),
        rating="amber",
        reason="No evidence.",
        acting_user=world.user(Role.DESIGNATED),
    )
    client = client_for(world.user(Role.PROVIDER))
    with mock.patch("returns.charts.trend_png", return_value=b"png") as chart:
        client.get(f"/returns/provider/{world.provider.pk}/chart/TRN-CH.png?quarter={Q.slug}")
    points = chart.call_args.args[1] if len(chart.call_args.args) > 1 else next(iter(chart.call_args.kwargs.values()))
    ratings = [cell.rating for _, cell in points if cell]
    assert ratings and "amber" not in ratings
    client.post(
        f"/returns/{submitted.pk}/metric/TRN-CH/action/",
        {"title": "Refresh training", "owner": "Named nurse", "due_date": "2099-01-01", "success_measure": "Audit"},
    )
    assert not TrackedAction.objects.exists()  # the provider's cell is green until acceptance: no action from it


def test_a_return_sent_back_for_correction_has_nothing_to_rate(world, submitted):
    actions.do_return_for_correction(submitted, comment="Check the breakdown.", acting_user=world.user(Role.DESIGNATED))
    row = row_of(matrix_for(world), world.provider)
    assert row.to_rate == 0 and row.cells["TRN-CH"].combined is None


def test_evidence_sent_through_the_api_keeps_the_fields_it_leaves_out(world):
    ret = actions.do_start_return(provider=world.provider, quarter=Q, acting_user=None)
    api = world.api(Role.PROVIDER)
    first = {"answers": {"11.a.1": {"trends": "T1", "audit_learning": "L1"}}}
    api.post(f"/api/v1/returns/{ret.pk}/evidence/", first, format="json")
    api.post(f"/api/v1/returns/{ret.pk}/evidence/", {"answers": {"11.a.1": {"trends": "T2"}}}, format="json")
    assert reports.evidence_of(reports.working_version(ret))["11.a.1"] == {"trends": "T2", "audit_learning": "L1"}
    unknown = api.post(f"/api/v1/returns/{ret.pk}/evidence/", {"answers": {}, "extra": 1}, format="json")
    assert unknown.status_code == 400 and "extra" in unknown.json()
    too_long = {"answers": {"11.a.1": {"trends": "x" * 10001}}}
    assert api.post(f"/api/v1/returns/{ret.pk}/evidence/", too_long, format="json").status_code == 400


def test_training_and_supervision_are_judged_amber_or_green_only(world, submitted):
    designated = world.user(Role.DESIGNATED)
    with pytest.raises(ValidationError) as error:
        actions.do_rate_judged_metric(
            submitted, judged_metric=judged("11.b"), rating="red", reason="x", acting_user=designated
        )
    assert "rating" in error.value.message_dict
    form = world.api(Role.DESIGNATED).get("/api/v1/judged-metrics/11.b/").json()
    assert set(form["descriptors"]) == {"amber", "green"}

"""Returns through their actions: start, save, validate, submit, return for correction, accept, overrides."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from core.choices import Role
from organisations import actions as org_actions
from returns import actions, catalogue, rules
from returns.choices import ReturnStatus
from returns.models import Metric, MetricValue, Return, ReturnVersion
from returns.rules import Quarter
from returns.tests.factories import Q, entries_for, rating_of, submitted_return


@pytest.fixture
def designated(world):
    return world.user(Role.DESIGNATED)


def test_the_catalogue_is_loaded_by_the_migration_and_loading_again_changes_nothing(db):
    assert Metric.objects.filter(code="TRN-CH", unit="percentage").exists()
    assert catalogue.sync_catalogue(Metric, __import__("returns.models").models.ValidationRule) == 0


def test_a_return_is_due_twenty_working_days_after_its_quarter(world):
    ret = actions.do_start_return(provider=world.provider, quarter=Q, acting_user=None)
    # 2025/26 Q4 ends 31 March 2026; Good Friday 3 and Easter Monday 6 April are skipped.
    assert ret.due_date == dt.date(2026, 4, 30)


def test_it_refuses_a_return_for_a_quarter_not_yet_ended(world):
    with pytest.raises(ValidationError) as error:
        actions.do_start_return(provider=world.provider, quarter=Quarter(2030, 1), acting_user=None)
    assert "has not ended" in str(error.value)
    assert not Return.objects.exists()


def test_it_refuses_a_second_return_for_the_same_quarter(world):
    actions.do_start_return(provider=world.provider, quarter=Q, acting_user=None)
    with pytest.raises(ValidationError):
        actions.do_start_return(provider=world.provider, quarter=Q, acting_user=None)


def test_saving_figures_with_an_error_stores_nothing(world):
    ret = actions.do_start_return(provider=world.provider, quarter=Q, acting_user=None)
    entries = entries_for(world.provider)
    entries["TRN-CH"].numerator = Decimal(120)
    with pytest.raises(ValidationError) as error:
        actions.do_save_figures(ret, entries=entries, acting_user=None)
    assert any("TRN-CH" in key for key in error.value.message_dict)
    assert not MetricValue.objects.exists()


def test_it_refuses_unknown_metric_codes(world):
    ret = actions.do_start_return(provider=world.provider, quarter=Q, acting_user=None)
    with pytest.raises(ValidationError) as error:
        actions.do_save_figures(ret, entries={"NOPE": rules.Entry(numerator=Decimal(1))}, acting_user=None)
    assert "NOPE" in str(error.value)


def test_a_complete_return_is_submitted_and_rated(world):
    ret = submitted_return(world.provider, pct=(80, 100))
    assert ret.status == ReturnStatus.SUBMITTED
    assert ret.first_submitted_at is not None
    assert rating_of(ret, "TRN-CH") == rules.AMBER


def test_a_return_with_blank_metrics_cannot_be_submitted(world):
    ret = actions.do_start_return(provider=world.provider, quarter=Q, acting_user=None)
    entries = entries_for(world.provider)
    del entries["SUP"]
    actions.do_save_figures(ret, entries=entries, acting_user=None)
    with pytest.raises(ValidationError) as error:
        actions.do_submit_return(ret, acting_user=None)
    assert "SUP: has no figure" in str(error.value)


def test_figures_not_broken_down_need_an_explanation_and_are_rated_red(world):
    ret = actions.do_start_return(provider=world.provider, quarter=Q, acting_user=None)
    entries = entries_for(world.provider, pct=(99, 100), broken_down=False)
    entries["TRN-CH"].explanation = ""
    actions.do_save_figures(ret, entries=entries, acting_user=None)
    with pytest.raises(ValidationError) as error:
        actions.do_submit_return(ret, acting_user=None)
    assert "TRN-CH / professional_group / explanation" in error.value.message_dict
    entries["TRN-CH"].explanation = "Figures from the new system next quarter."
    actions.do_save_figures(ret, entries=entries, acting_user=None)
    actions.do_submit_return(ret, acting_user=None)
    assert rating_of(ret, "TRN-CH") == rules.RED
    assert rating_of(ret, "SAFER-REC") == rules.GREEN  # no breakdown required


def test_a_big_change_from_the_previous_quarter_needs_an_explanation(world):
    submitted_return(world.provider, quarter=Q.previous(), pct=(95, 100))
    ret = actions.do_start_return(provider=world.provider, quarter=Q, acting_user=None)
    actions.do_save_figures(ret, entries=entries_for(world.provider, pct=(80, 100)), acting_user=None)
    with pytest.raises(ValidationError) as error:
        actions.do_submit_return(ret, acting_user=None)
    assert "percentage points" in str(error.value)


def test_returning_for_correction_keeps_the_submitted_version(world, designated):
    ret = submitted_return(world.provider, pct=(70, 100))
    with pytest.raises(ValidationError):
        actions.do_return_for_correction(ret, comment="", acting_user=designated)
    actions.do_return_for_correction(ret, comment="Level 3 figures look wrong.", acting_user=designated)
    assert ret.status == ReturnStatus.RETURNED
    actions.do_save_figures(ret, entries=entries_for(world.provider, pct=(78, 100)), acting_user=None)
    actions.do_submit_return(ret, acting_user=None)
    first, second = ReturnVersion.objects.filter(return_obj=ret).order_by("number")
    assert MetricValue.objects.get(version=first, metric__code="TRN-CH").numerator == 70
    assert MetricValue.objects.get(version=second, metric__code="TRN-CH").numerator == 78
    assert rating_of(ret, "TRN-CH") == rules.AMBER
    actions.do_accept_return(ret, acting_user=designated)
    assert ret.status == ReturnStatus.ACCEPTED
    with pytest.raises(ValidationError):
        actions.do_save_figures(ret, entries=entries_for(world.provider), acting_user=None)


def test_only_the_icb_team_reviews(world):
    ret = submitted_return(world.provider)
    with pytest.raises(PermissionDenied):
        actions.do_accept_return(ret, acting_user=world.user(Role.PROVIDER))


def _contract(world):
    return org_actions.do_create_contract(
        provider=world.provider,
        reference="C-9",
        services="Acute",
        start_date=dt.date(2024, 4, 1),
        end_date=dt.date(2028, 3, 31),
        lead_commissioner=world.icb,
        acting_user=None,
    )


def test_a_contract_override_rates_returns_from_its_quarter_on(world, designated):
    earlier = submitted_return(world.provider, quarter=Q.previous(), pct=(85, 100))
    later = submitted_return(world.provider, quarter=Q, pct=(85, 100))
    assert rating_of(earlier, "TRN-CH") == rating_of(later, "TRN-CH") == rules.AMBER
    scheme = actions.override_scheme(green_above=Decimal(80), amber_from=Decimal(70), require_breakdown=True)
    override = actions.do_set_threshold_override(
        contract=_contract(world),
        metric=Metric.objects.get(code="TRN-CH"),
        effective_from=Q,
        scheme=scheme,
        reason="Agreed trajectory in the contract review.",
        acting_user=designated,
    )
    assert override.created_at is not None
    assert rating_of(earlier, "TRN-CH") == rules.AMBER
    assert rating_of(later, "TRN-CH") == rules.GREEN
    from auditlog.models import LogEntry

    assert LogEntry.objects.get_for_object(override).filter(actor=designated).exists()


def test_a_provider_cannot_set_thresholds(world):
    with pytest.raises(PermissionDenied):
        actions.do_set_threshold_override(
            contract=_contract(world),
            metric=Metric.objects.get(code="TRN-CH"),
            effective_from=Q,
            scheme={},
            reason="x",
            acting_user=world.user(Role.PROVIDER),
        )


def test_a_red_metric_opens_an_action_in_the_shared_tracker(world, designated):
    from core.models import TrackedAction

    ret = submitted_return(world.provider, pct=(50, 100))
    metric = Metric.objects.get(code="TRN-CH")
    action = actions.do_open_metric_action(
        ret,
        metric=metric,
        rating=rules.RED,
        title="Run extra level 3 sessions",
        owner="Named nurse",
        due_date=dt.date.today() + dt.timedelta(days=60),
        success_measure="Training above 90 % next quarter",
        acting_user=designated,
    )
    assert list(TrackedAction.objects.for_source(ret)) == [action]
    assert "TRN-CH" in action.source_label
    with pytest.raises(ValidationError):
        actions.do_open_metric_action(
            ret,
            metric=metric,
            rating=rules.GREEN,
            title="t",
            owner="o",
            due_date=dt.date.today(),
            success_measure="s",
            acting_user=designated,
        )


def test_a_new_catalogue_version_changes_a_default_only_from_its_quarter(world, monkeypatch):
    import copy

    from returns.models import MetricScheme, ValidationRule

    earlier = submitted_return(world.provider, quarter=Q.previous(), pct=(93, 100))
    later = submitted_return(world.provider, quarter=Q, pct=(93, 100))
    assert rating_of(earlier, "TRN-CH") == rating_of(later, "TRN-CH") == rules.GREEN
    version_2 = copy.deepcopy(catalogue.data())
    version_2["version"] = catalogue.data()["version"] + 1
    metric = next(m for m in version_2["metrics"] if m["code"] == "TRN-CH")
    metric["scheme"]["bands"] = [["gt", "95", "green"], ["ge", "75", "amber"]]
    metric["scheme_from"] = Q.label
    monkeypatch.setattr(catalogue, "data", lambda: version_2)
    assert catalogue.sync_catalogue(Metric, ValidationRule, MetricScheme) == len(version_2["metrics"])
    assert rating_of(earlier, "TRN-CH") == rules.GREEN
    assert rating_of(later, "TRN-CH") == rules.AMBER
    assert catalogue.sync_catalogue(Metric, ValidationRule, MetricScheme) == 0


def test_the_icbs_closure_days_move_the_due_date(world):
    from core.actions import do_add_closure_day

    do_add_closure_day(icb=world.icb, date=dt.date(2026, 4, 30), reason="Office move", acting_user=None)
    ret = actions.do_start_return(provider=world.provider, quarter=Q, acting_user=None)
    assert ret.due_date == dt.date(2026, 5, 1)
    other = actions.do_start_return(provider=world.foreign_provider, quarter=Q, acting_user=None)
    assert other.due_date == dt.date(2026, 4, 30)  # another ICB's calendar is not affected

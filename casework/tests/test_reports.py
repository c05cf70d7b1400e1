"""Clocks read from the records with the ICB's calendar and the module's settings."""

import datetime as dt
import zoneinfo

import pytest

from casework import actions, reports
from casework.tests import factories
from core.actions import do_add_closure_day
from core.calendar import ENGLAND
from core.choices import Role
from core.models import working_calendar

LONDON = zoneinfo.ZoneInfo("Europe/London")
FRIDAY_AFTERNOON = dt.datetime(2026, 11, 20, 15, 30, tzinfo=LONDON)


def clock(record, label, calendar=ENGLAND):
    return next(c for c in reports.clocks_for(record, calendar) if c.label.startswith(label))


def test_a_referral_follow_up_is_48_clock_hours_by_default(world):
    referral = factories.referral(world, referred_at=FRIDAY_AFTERNOON)
    assert clock(referral, "Send the written follow-up").due == dt.datetime(2026, 11, 22, 15, 30, tzinfo=LONDON)


def test_a_friday_evening_telephone_referral_is_due_sunday_evening(world):
    """48 clock hours, no roll-forward to Monday: the online routes are open at weekends [DDICB What to do]."""
    referral = factories.referral(world, referred_at=dt.datetime(2026, 11, 20, 19, 0, tzinfo=LONDON))
    assert clock(referral, "Send the written follow-up").due == dt.datetime(2026, 11, 22, 19, 0, tzinfo=LONDON)


def test_an_online_referral_has_no_follow_up_clock_but_is_chased(world):
    """[DDICB What to do]: only a telephone referral is followed up in writing; the outcome is still chased
    after three working days [DUDLEY 15.3] and receipt confirmed [DUDLEY 15.2]."""
    referral = factories.referral(world, route="online", referred_at=FRIDAY_AFTERNOON)
    labels = [c.label for c in reports.clocks_for(referral, ENGLAND)]
    assert "Send the written follow-up" not in labels
    assert "Confirm the referral was received" in labels
    assert clock(referral, "Chase the outcome").due == dt.date(2026, 11, 25)


def test_a_referral_straight_to_the_police_needs_no_local_authority(world):
    """Forced marriage: "a referral direct to the Police Child Abuse Investigation Unit" [DUDLEY 25.3]."""
    referral = factories.referral(world, route="police", local_authority=None, category="forced_marriage")
    assert referral.local_authority is None
    assert "Send the written follow-up" not in [c.label for c in reports.clocks_for(referral, ENGLAND)]


def test_an_adult_pipot_allegation_has_no_lado_clock(world):
    """[SAAF 3.5.7]: the SAB's framework; the ICB's designated adult safeguarding professional is informed."""
    allegation = factories.allegation(world, setting="adults", made_on=dt.date(2026, 11, 20))
    labels = [c.label for c in reports.clocks_for(allegation, ENGLAND)]
    assert not any("LADO" in label for label in labels)
    assert clock(allegation, "Inform the designated adult safeguarding professional").due == dt.date(2026, 11, 23)


def test_the_pipot_timescale_is_a_setting(world, settings):
    settings.VIGIL = {**settings.VIGIL, "CASEWORK_PIPOT_INFORM_WORKING_DAYS": None}
    allegation = factories.allegation(world, setting="adults", made_on=dt.date(2026, 11, 20))
    assert clock(allegation, "Inform the designated adult safeguarding professional").due is None


def test_a_childrens_allegation_keeps_the_one_working_day_lado_clock(world):
    """[NEL Std 10]: the LADO and the designated nurse or doctor within one working day."""
    allegation = factories.allegation(world, made_on=dt.date(2026, 11, 20))
    assert clock(allegation, "Inform the LADO").due == dt.date(2026, 11, 23)
    assert clock(allegation, "Inform the designated nurse or doctor").due == dt.date(2026, 11, 23)


def test_an_allegation_about_icb_staff_goes_to_the_chief_nurse(world):
    """[DDICB Managing allegations]: every concern about ICB staff goes to the chief nurse."""
    allegation = factories.allegation(world, organisation=world.icb)
    assert clock(allegation, "Tell the chief nurse").done is None
    assert "Tell the chief nurse" not in [c.label for c in reports.clocks_for(factories.allegation(world), ENGLAND)]


def test_a_historical_allegation_about_someone_still_working_with_children_tells_the_current_employer(world):
    """[DDICB Managing allegations]: historical allegations."""
    allegation = factories.allegation(world, is_historical=True, still_works_with_children=True)
    assert clock(allegation, "Tell the person's current employer").done is None


def test_a_false_allegation_closes_without_a_barring_referral(world):
    """[SAAF 3.2; DOMAIN §6]: no barring referral when the allegation is false or malicious."""
    allegation = factories.allegation(
        world, employment_outcome="removed", outcome="false", closed_on=dt.date(2026, 11, 27)
    )
    assert allegation.dbs_referral_on is None
    assert "Make the DBS barring referral" not in [c.label for c in reports.clocks_for(allegation, ENGLAND)]


def test_a_person_who_ceases_to_be_used_needs_a_barring_referral(world):
    """[SAAF 3.2]: removed, resigned or ceased to be used (agency, bank, volunteer)."""
    from django.core.exceptions import ValidationError

    allegation = factories.allegation(world, employment_outcome="ceased")
    assert clock(allegation, "Make the DBS barring referral").done is None
    with pytest.raises(ValidationError) as error:
        factories.allegation(
            world, employment_outcome="ceased", outcome="substantiated", closed_on=dt.date(2026, 11, 27)
        )
    assert "dbs_referral_on" in error.value.message_dict


def _escalation_under(world, code, **fields):
    from casework.models import EscalationProcedure

    EscalationProcedure.objects.get(code=code).icbs.add(world.icb)
    return factories.escalation(world, **fields)


def _reload(escalation):
    return (
        type(escalation)
        .objects.select_related("procedure", "organisation")
        .prefetch_related("stages")
        .get(pk=escalation.pk)
    )


@pytest.mark.parametrize(("code", "provider_stage"), [("dudley", 3), ("cpccg", 4)])
def test_the_designated_professional_is_told_at_the_procedures_stage(world, code, provider_stage):
    """[DUDLEY 28.2: stage 3; CPCCG App. 5: stage 4 for a provider's named professional]."""
    days = [dt.date(2026, 11, d) for d in (2, 3, 4, 5)]
    escalation = _reload(_escalation_under(world, code, stages=days[:3]))
    labels = [c.label for c in reports.clocks_for(escalation, ENGLAND)]
    assert any(label.startswith("Inform the designated") for label in labels) == (provider_stage == 3)
    actions.do_record_stage(escalation, stage=4, reached_on=days[3], agreed="Heads of service met", acting_user=None)
    escalation = _reload(escalation)
    assert clock(escalation, "Inform the designated").due == days[provider_stage - 1]


def test_a_gp_escalation_under_cpccg_tells_the_designated_professional_at_stage_three(world):
    """[CPCCG App. 5: "(Designated Nurse/Doctor for GPs)" at stage 3]."""
    from core.testing import make_organisation
    from organisations.choices import OrganisationKind

    practice = make_organisation(OrganisationKind.GP_PRACTICE, parent=world.icb, name="Test Practice")
    days = [dt.date(2026, 11, d) for d in (2, 3, 4)]
    escalation = _reload(_escalation_under(world, "cpccg", organisation=practice, stages=days))
    assert clock(escalation, "Inform the designated").due == days[2]


@pytest.mark.parametrize("code", ["dudley", "cpccg"])
def test_a_multiple_case_concern_informs_the_designated_professional_the_same_day(world, code):
    """[CPCCG App. 5 Definition: "must be informed immediately"]."""
    escalation = _reload(
        _escalation_under(world, code, multiple_cases=True, stage_one_on=FRIDAY_AFTERNOON.date(), stage_one_agreed="x")
    )
    informing = clock(escalation, "Inform the designated")
    assert informing.due == FRIDAY_AFTERNOON.date() and "immediately" in informing.label


def test_dudley_notifies_the_partnership_manager_from_stage_three_and_the_chair_at_stage_five(world):
    """[DUDLEY App. 6 3.3-3.5]."""
    days = [dt.date(2026, 11, d) for d in (2, 3, 4, 5, 6)]
    escalation = _reload(_escalation_under(world, "dudley", stages=days))
    assert clock(escalation, "Notify the safeguarding partnership manager").due == days[2]
    assert clock(escalation, "Inform the partnership chair").due == days[4]
    actions.do_update_escalation(escalation, outcome="Panel decided: assessment to proceed", acting_user=None)
    escalation = _reload(escalation)
    assert clock(escalation, "Share the outcome with the person who raised it").done is None
    assert clock(escalation, "Tell the partnership manager the outcome").done is None


def test_urgent_starts_are_counted_in_the_quarterly_figures(world):
    """A skip is recorded with its reason and counted [DUDLEY App. 6; CPCCG App. 5 Reporting]."""
    escalation = factories.escalation(world)
    actions.do_record_stage(
        escalation, stage=4, reached_on=dt.date(2026, 11, 2), agreed="x", skip_reason="Immediate harm", acting_user=None
    )
    from casework.models import Escalation

    counts = reports.escalation_counts(Escalation.objects.all(), 2026, 3)
    assert counts.skipped == 1 and counts.by_stage[4] == 1


def test_the_follow_up_hours_are_a_setting(world, settings):
    settings.VIGIL = {**settings.VIGIL, "CASEWORK_REFERRAL_FOLLOW_UP_HOURS": 24}
    referral = factories.referral(world, referred_at=dt.datetime(2026, 11, 18, 9, 0, tzinfo=LONDON))
    assert clock(referral, "Send the written follow-up").due == dt.datetime(2026, 11, 19, 9, 0, tzinfo=LONDON)


def test_the_outcome_chase_counts_the_icbs_closure_days(world):
    referral = factories.referral(world, referred_at=FRIDAY_AFTERNOON)
    do_add_closure_day(icb=world.icb, date=dt.date(2026, 11, 24), reason="Staff training day", acting_user=None)
    due = clock(referral, "Chase the outcome", working_calendar(world.icb.pk)).due
    assert due == dt.date(2026, 11, 26)


def test_the_meeting_clock_follows_the_day_kind_setting(world, settings):
    concern = factories.concern(world, return_deadline=dt.date(2026, 11, 20))
    assert clock(concern, "Hold the health professionals meeting").due == dt.date(2026, 11, 30)
    settings.VIGIL = {**settings.VIGIL, "CASEWORK_CHN_MEETING_DAY_KIND": "working"}
    assert clock(concern, "Hold the health professionals meeting").due == dt.date(2026, 12, 4)


def test_an_information_request_is_done_once_returned(world):
    concern = factories.concern(world)
    request = actions.do_request_information(
        concern, agency=world.other_provider, requested_on=dt.date(2026, 11, 20), acting_user=None
    )
    assert not clock(concern, "Information from").done
    actions.do_record_information_returned(request, returned_on=dt.date(2026, 11, 25), acting_user=None)
    concern = type(concern).objects.prefetch_related("requests__agency").get(pk=concern.pk)
    assert clock(concern, "Information from").done == dt.date(2026, 11, 25)


def test_the_due_list_puts_overdue_first(world):
    factories.allegation(world, made_on=dt.date(2026, 11, 2))
    factories.advice(world, follow_up_on=dt.date(2026, 12, 30))
    now = dt.datetime(2026, 11, 23, 10, 0, tzinfo=LONDON)
    statuses = [item.status for item in reports.due_items(world.user(Role.DESIGNATED), now)]
    assert statuses == ["overdue", "overdue", "due"]


@pytest.mark.parametrize("role", [Role.BOARD, Role.CONTRACTS, Role.AUDITOR])
def test_roles_that_read_no_register_have_nothing_due(world, role):
    factories.allegation(world, made_on=dt.date(2026, 11, 2))
    assert reports.due_items(world.user(role)) == []

import datetime as dt
import io

from django.utils import timezone
from openpyxl import load_workbook

from core import actions as core_actions
from core.choices import Role
from core.models import TrackedAction
from reviews import actions, reports, rules
from reviews.models import Review, Theme


def theme(name):
    return Theme.objects.get(name=name)


class TestThemes:
    def test_themes_are_counted_per_year_of_notification(self, world, open_review):
        neglect, abuse = theme("Neglect"), theme("Domestic abuse")
        open_review(notification_date=dt.date(2025, 3, 1), incident_date=dt.date(2025, 2, 1), themes=[neglect, abuse])
        open_review(notification_date=dt.date(2026, 3, 1), incident_date=dt.date(2026, 2, 1), themes=[neglect])
        open_review(notification_date=None, incident_date=dt.date(2026, 1, 5), themes=[neglect])
        archived = open_review(notification_date=dt.date(2026, 3, 1), incident_date=None, themes=[abuse])
        actions.do_archive_review(archived, acting_user=None)
        counts, years, totals = reports.themes_by_year(Review.objects.restrict(world.user(Role.BOARD)))
        assert years == [2025, 2026]
        assert dict(counts["Neglect"]) == {2025: 1, 2026: 2}
        assert dict(counts["Domestic abuse"]) == {2025: 1}
        assert totals == {"Neglect": 3, "Domestic abuse": 1}
        assert list(counts) == ["Neglect", "Domestic abuse"]  # most frequent first


class TestOutstanding:
    def test_outstanding_recommendation_actions_are_counted_by_organisation(self, world, open_review, recommend):
        review = open_review()
        recommend(review, [world.provider, world.other_provider])
        second = recommend(review, [world.provider], text="Audit was-not-brought follow-up")
        (action,) = TrackedAction.objects.for_source(second)
        core_actions.do_complete_action(action, evidence="Audit", acting_user=world.user(Role.PROVIDER))
        core_actions.do_verify_action(action, acting_user=world.user(Role.DESIGNATED))
        designated = world.user(Role.DESIGNATED)
        assert reports.outstanding_by_organisation(Review.objects.restrict(designated), designated) == [
            ("Provider One", 1),
            ("Provider Two", 1),
        ]


class TestOverdueMilestones:
    def test_overdue_milestones_of_active_reviews_are_listed(self, world, open_review, today):
        late = open_review(awareness_date=today - dt.timedelta(days=40), notification_date=None, incident_date=None)
        open_review(awareness_date=today, notification_date=None, incident_date=None)
        rows = reports.milestone_rows(Review.objects.all(), today, states={rules.OVERDUE})
        assert [(row.review, row.milestone.rule.code) for row in rows] == [(late, "panel_notified")]


class TestNotificationList:
    def test_reviews_opened_or_changed_in_the_quarter_are_listed_and_exported(self, world, open_review, today):
        year, quarter = rules.financial_quarter(today)
        start, _ = rules.quarter_bounds(year, quarter)
        recent = open_review(notification_date=start, incident_date=start)
        before = start - dt.timedelta(days=200)
        old = open_review(subject_reference="Child T", notification_date=before, incident_date=before)
        untouched = open_review(subject_reference="Child U", notification_date=before, incident_date=before)
        Review.objects.filter(pk__in=[old.pk, untouched.pk]).update(created_at=timezone.now() - dt.timedelta(days=400))
        actions.do_add_contributions(
            old, organisation=world.provider, kinds=["chronology"], due_date=today, acting_user=None
        )
        from auditlog.models import LogEntry

        LogEntry.objects.filter(additional_data__review=untouched.pk).update(
            timestamp=timezone.now() - dt.timedelta(days=400)
        )
        rows = reports.notification_list(Review.objects.restrict(world.user(Role.DESIGNATED)), year, quarter)
        assert [(row.review, row.what) for row in rows] == [(recent, "Opened"), (old, "Changed")]

        data = reports.notification_xlsx(rows, "Reviews " + rules.quarter_label(year, quarter))
        sheet = load_workbook(io.BytesIO(data)).active
        assert sheet["A1"].value == "Reviews " + rules.quarter_label(year, quarter)
        assert [c.value for c in sheet[2]] == [column.title for column in reports.XLSX_COLUMNS]
        assert [sheet.cell(row=r, column=1).value for r in (3, 4)] == [recent.reference, old.reference]
        assert sheet.cell(row=3, column=3).value == "Child Q"
        assert sheet.cell(row=3, column=8).value.date() == start
        assert sheet.max_row == 4

    def test_progress_on_a_recommendations_action_counts_as_a_change(self, world, open_review, recommend, today):
        from auditlog.models import LogEntry

        review = open_review()
        recommendation = recommend(review, [world.provider])
        Review.objects.filter(pk=review.pk).update(created_at=timezone.now() - dt.timedelta(days=400))
        Review.objects.filter(pk=review.pk).update(notification_date=today - dt.timedelta(days=390))
        LogEntry.objects.all().update(timestamp=timezone.now() - dt.timedelta(days=400))
        year, quarter = rules.financial_quarter(today)
        designated = world.user(Role.DESIGNATED)
        assert reports.notification_list(Review.objects.restrict(designated), year, quarter) == []
        (action,) = TrackedAction.objects.for_source(recommendation)
        core_actions.do_complete_action(action, evidence="Audit", acting_user=world.user(Role.PROVIDER))
        rows = reports.notification_list(Review.objects.restrict(designated), year, quarter)
        assert [(row.review, row.what) for row in rows] == [(review, "Changed")]

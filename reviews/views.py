from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.views import View
from django.views.generic import TemplateView

from core.audit import history_for, log_access
from core.banners import say_archived
from core.choices import ICB_ROLES, Role
from core.downloads import file_attachment, xlsx_response
from core.forms import FinancialQuarterForm
from core.models import working_calendar
from core.scoping import CHANGE, can
from core.views import ActionFormView, RoleRequiredMixin, ScopedObjectMixin
from core.working_calendars import Calendars
from reviews import actions, reports, rules, spreadsheets
from reviews.filters import EnquiryFilter, ReviewFilter
from reviews.forms import (
    ContributionForm,
    ContributionUpdateForm,
    DecisionForm,
    EnquiryForm,
    LearningForm,
    NonParticipationForm,
    RecommendationForm,
    ReviewForm,
)
from reviews.models import Contribution, NonParticipation, Recommendation, Review, SafeguardingEnquiry

REVIEW_SELECT = ("kind", "lead_partnership", "icb")


def hints_for(review):
    return rules.eligibility_hints(
        review.kind.code,
        abuse_or_neglect=review.abuse_or_neglect,
        harm=review.harm or None,
        age=review.subject_age,
        has_children=review.subject_has_children,
        agencies_concern=review.agencies_concern,
        care_leaver_or_ld=review.care_leaver_or_ld,
        lead_kind=review.lead_partnership.kind if review.lead_partnership_id else None,
    )


class ReviewListView(LoginRequiredMixin, TemplateView):
    template_name = "reviews/review_list.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        queryset = reports.with_rules(Review.objects.restrict(user))
        filterset = ReviewFilter(self.request.GET or None, queryset=queryset, request=self.request)
        reviews = filterset.qs if filterset.is_bound else queryset.filter(archived_at__isnull=True)
        today, calendars = timezone.localdate(), Calendars()
        rows = []
        for review in reviews:
            upcoming = [m for m in reports.milestones_for(review, calendars[review.icb_id], today) if m.is_open]
            rows.append((review, upcoming[0] if upcoming else None))
        return super().get_context_data(
            filter=filterset, rows=rows, can_add=can(user, Review, CHANGE), today=today, **kwargs
        )


class ReviewDetailView(ScopedObjectMixin, TemplateView):
    model = Review
    select_related = REVIEW_SELECT
    template_name = "reviews/review_detail.html"

    def get_object(self):
        obj = super().get_object()
        return reports.with_rules(Review.objects.filter(pk=obj.pk)).get()

    def get_context_data(self, **kwargs):
        user, review = self.request.user, self.object
        log_access(user, review)
        today = timezone.localdate()
        recommendations = Recommendation.objects.restrict(user).filter(review=review, archived_at__isnull=True)
        can_edit = can(user, Review, CHANGE, review.icb) and not review.archived_at
        return super().get_context_data(
            hints=hints_for(review),
            milestones=reports.milestones_for(review, working_calendar(review.icb_id), today),
            involvements=reports.involvements_for(review, user),
            contributions=reports.contributions_for(review, user),
            recommendations=reports.recommendation_states(recommendations, user),
            learning=reports.learning_for(review, user),
            linked=Review.objects.restrict(user)
            .filter(pk__in=review.linked_reviews.values("pk"))
            .select_related("kind"),
            themes=review.themes.all(),
            history=history_for(review).select_related("content_type")[:30] if user.role != Role.PROVIDER else [],
            can_edit=can_edit,
            can_decide=can_edit and not review.decision_outcome,
            can_update_contributions=can(user, Contribution, CHANGE),
            non_participations=NonParticipation.objects.restrict(user)
            .filter(review=review, archived_at__isnull=True)
            .select_related("organisation", "region"),
            enquiries=SafeguardingEnquiry.objects.restrict(user)
            .filter(reviews=review, archived_at__isnull=True)
            .select_related("local_authority"),
            sees_participation=user.role in NonParticipation.access.view,
            show_assignees=user.role != Role.PROVIDER,
            today=today,
            **kwargs,
        )


class ReviewCreateView(RoleRequiredMixin, ActionFormView):
    allowed_roles = Review.access.change
    form_class = ReviewForm
    template_name = "reviews/review_form.html"
    page_title = "Open a review"
    submit_label = "Open review"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_initial(self):
        return {"kind": self.request.GET.get("kind")}

    def perform(self, form):
        return actions.do_open_review(acting_user=self.request.user, **form.action_fields())

    def get_success_url(self):
        messages.success(self.request, f"Review {self.result.reference} opened. Check the eligibility hints below.")
        return reverse("reviews:detail", args=[self.result.pk])


class ReviewChildView(ScopedObjectMixin, ActionFormView):
    """A form page on a review that changes it (403 for roles that may only view it)."""

    model = Review
    scope_action = CHANGE
    select_related = REVIEW_SELECT

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_success_url(self):
        return reverse("reviews:detail", args=[self.object.pk])


class ReviewEditView(ReviewChildView):
    form_class = ReviewForm
    template_name = "reviews/review_form.html"
    submit_label = "Save changes"

    @property
    def page_title(self):
        return f"Change {self.object.reference}: {self.object.kind.name}"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.object}

    def perform(self, form):
        return actions.do_update_review(self.object, acting_user=self.request.user, **form.action_fields(True))


class ReviewDecisionView(ReviewChildView):
    form_class = DecisionForm
    submit_label = "Record decision"

    @property
    def page_title(self):
        return f"Record the decision: {self.object.reference} {self.object.kind.name}"

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs.pop("user")
        return kwargs

    def perform(self, form):
        return actions.do_record_decision(self.object, acting_user=self.request.user, **form.cleaned_data)

    def get_success_url(self):
        if self.result.pk != self.object.pk:
            messages.success(self.request, f"{self.result.kind.name} {self.result.reference} opened from this review.")
        return reverse("reviews:detail", args=[self.result.pk])


class ContributionAddView(ReviewChildView):
    form_class = ContributionForm
    submit_label = "Add contributions"

    @property
    def page_title(self):
        return f"Ask an organisation to contribute: {self.object.reference}"

    def perform(self, form):
        return actions.do_add_contributions(self.object, acting_user=self.request.user, **form.cleaned_data)


class RecommendationAddView(ReviewChildView):
    form_class = RecommendationForm
    submit_label = "Add recommendation"

    @property
    def page_title(self):
        return f"Add a recommendation: {self.object.reference}"

    def perform(self, form):
        return actions.do_add_recommendation(self.object, acting_user=self.request.user, **form.cleaned_data)


class LearningAddView(ReviewChildView):
    form_class = LearningForm
    submit_label = "Add to learning log"

    @property
    def page_title(self):
        return f"Record learning: {self.object.reference}"

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs.pop("user")
        return kwargs

    def perform(self, form):
        return actions.do_add_learning(self.object, acting_user=self.request.user, **form.cleaned_data)


class ReviewArchiveView(ScopedObjectMixin, View):
    model = Review
    scope_action = CHANGE

    def post(self, request, pk):
        actions.do_archive_review(self.object, acting_user=request.user)
        say_archived(request, self.object)
        return redirect("reviews:detail", pk=pk)


class TermsOfReferenceView(ScopedObjectMixin, View):
    """The terms of reference file, served only to those who may see the review."""

    model = Review

    def get(self, request, pk):
        if not self.object.tor_file:
            raise Http404("No terms of reference file.")
        log_access(request.user, self.object, how="export")
        return file_attachment(self.object.tor_file)


class ContributionUpdateView(ScopedObjectMixin, ActionFormView):
    """A provider marks its own contribution submitted; the ICB also changes the due date."""

    model = Contribution
    scope_action = CHANGE
    select_related = ("involvement__organisation", "involvement__review__kind")
    form_class = ContributionUpdateForm
    submit_label = "Save"

    @property
    def page_title(self):
        return f"{self.object} for {self.object.involvement.review.reference}"

    def get_form_kwargs(self):
        can_change_due = self.request.user.role in Review.access.change
        return {**super().get_form_kwargs(), "instance": self.object, "can_change_due_date": can_change_due}

    def perform(self, form):
        fields = {name: form.cleaned_data[name] for name in form.changed_data if name != "acknowledge_identifiers"}
        acknowledged = form.cleaned_data.get("acknowledge_identifiers", False)
        return actions.do_update_contribution(
            self.object, acting_user=self.request.user, acknowledge_identifiers=acknowledged, **fields
        )

    def get_success_url(self):
        return reverse("reviews:detail", args=[self.object.involvement.review_id])


class LearningOverviewView(RoleRequiredMixin, TemplateView):
    """Cross-review learning: themes by count and year, outstanding recommendations, overdue milestones."""

    allowed_roles = ICB_ROLES
    template_name = "reviews/learning.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        reviews = Review.objects.restrict(user)
        counts, years, totals = reports.themes_by_year(reviews)
        theme_rows = [
            (name, [per_year.get(year, 0) for year in years], totals[name]) for name, per_year in counts.items()
        ]
        return super().get_context_data(
            theme_rows=theme_rows,
            years=years,
            outstanding=reports.outstanding_by_organisation(reviews, user),
            overdue=reports.milestone_rows(reviews, timezone.localdate(), states={rules.OVERDUE}),
            **kwargs,
        )


def requested_quarter(params):
    """(year, quarter) from the query string; the current financial quarter when absent or invalid."""
    year, quarter = rules.financial_quarter(timezone.localdate())
    form = FinancialQuarterForm({"year": year, "quarter": quarter, **params.dict()})
    if form.is_valid():
        return form.cleaned_data["year"], form.cleaned_data["quarter"]
    return year, quarter


class NotificationListView(RoleRequiredMixin, TemplateView):
    """The NHS England quarterly notification list: every review opened or changed in the quarter [CPCCG 8.2]."""

    allowed_roles = ICB_ROLES
    template_name = "reviews/notification_list.html"

    def get_context_data(self, **kwargs):
        year, quarter = requested_quarter(self.request.GET)
        start, end = rules.quarter_bounds(year, quarter)
        this_year = rules.financial_quarter(timezone.localdate())[0]
        return super().get_context_data(
            rows=reports.notification_list(Review.objects.restrict(self.request.user), year, quarter),
            year=year,
            quarter=quarter,
            label=rules.quarter_label(year, quarter),
            start=start,
            end=end,
            years=range(this_year, this_year - 6, -1),
            quarters=(1, 2, 3, 4),
            **kwargs,
        )


class NotificationExportView(RoleRequiredMixin, View):
    allowed_roles = ICB_ROLES

    def get(self, request):
        year, quarter = requested_quarter(request.GET)
        rows = reports.notification_list(Review.objects.restrict(request.user), year, quarter)
        for row in rows:
            log_access(request.user, row.review, how="export")
        label = rules.quarter_label(year, quarter)
        content = reports.notification_xlsx(rows, f"Statutory reviews opened or changed, {label}")
        return xlsx_response(content, f"reviews-{year}-Q{quarter}.xlsx")


# NHS participation in reviews [SAAF 4.5] and parallel section 42 enquiries [SAAF 4.5.7]


class NonParticipationAddView(ReviewChildView):
    form_class = NonParticipationForm
    submit_label = "Record"

    @property
    def page_title(self):
        return f"Record an NHS body not taking part: {self.object.reference}"

    def perform(self, form):
        return actions.do_record_non_participation(self.object, acting_user=self.request.user, **form.action_fields())


class NonParticipationEditView(ScopedObjectMixin, ActionFormView):
    """The escalation to the NHS England region (region, date, answer) or that the body took part."""

    model = NonParticipation
    scope_action = CHANGE
    select_related = ("organisation", "review")
    form_class = NonParticipationForm
    submit_label = "Save"

    @property
    def page_title(self):
        return str(self.object)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.object, "user": self.request.user}

    def perform(self, form):
        return actions.do_update_non_participation(self.object, acting_user=self.request.user, **form.action_fields())

    def get_success_url(self):
        return self.object.get_absolute_url()


class EnquiryListView(RoleRequiredMixin, TemplateView):
    allowed_roles = SafeguardingEnquiry.access.view
    template_name = "reviews/enquiry_list.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        queryset = SafeguardingEnquiry.objects.restrict(user).select_related("local_authority")
        filterset = EnquiryFilter(self.request.GET or None, queryset=queryset, request=self.request)
        enquiries = filterset.qs if filterset.is_bound else queryset.filter(archived_at__isnull=True)
        enquiries = enquiries.prefetch_related("reviews__kind")
        return super().get_context_data(
            filter=filterset, enquiries=enquiries, can_add=can(user, SafeguardingEnquiry, CHANGE), **kwargs
        )


class EnquiryExportView(RoleRequiredMixin, View):
    """The section 42 enquiries as XLSX (core.spreadsheets), with the list page's filter applied."""

    allowed_roles = SafeguardingEnquiry.access.view

    def get(self, request):
        queryset = SafeguardingEnquiry.objects.restrict(request.user).select_related("local_authority")
        filterset = EnquiryFilter(request.GET or None, queryset=queryset, request=request)
        records = filterset.qs if filterset.is_bound else queryset.filter(archived_at__isnull=True)
        records = list(records.prefetch_related("reviews__kind"))
        for record in records:
            log_access(request.user, record, how="export")
        return xlsx_response(spreadsheets.enquiries(records), f"s42-enquiries-{timezone.localdate():%Y-%m-%d}.xlsx")


class NonParticipationExportView(RoleRequiredMixin, View):
    """Every NHS body recorded as not taking part in a statutory review, with its escalation to the NHS England
    region, as XLSX (core.spreadsheets); archived records left out."""

    allowed_roles = NonParticipation.access.view

    def get(self, request):
        records = list(
            NonParticipation.objects.restrict(request.user)
            .filter(archived_at__isnull=True, review__archived_at__isnull=True)
            .select_related("review__kind", "organisation", "region")
        )
        for record in records:
            log_access(request.user, record, how="export")
        content = spreadsheets.non_participation(records)
        return xlsx_response(content, f"nhs-participation-{timezone.localdate():%Y-%m-%d}.xlsx")


class EnquiryCreateView(RoleRequiredMixin, ActionFormView):
    allowed_roles = SafeguardingEnquiry.access.change
    form_class = EnquiryForm
    page_title = "Record a section 42 safeguarding enquiry"
    submit_label = "Record enquiry"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_initial(self):
        raw = self.request.GET.get("review", "")
        if raw.isdigit() and len(raw) < 18:
            review = Review.objects.restrict(self.request.user).filter(pk=int(raw)).first()
            if review is not None:
                return {"reviews": [review]}
        return {}

    def perform(self, form):
        return actions.do_record_enquiry(acting_user=self.request.user, **form.action_fields())

    def get_success_url(self):
        return self.result.get_absolute_url()


class EnquiryEditView(ScopedObjectMixin, ActionFormView):
    model = SafeguardingEnquiry
    scope_action = CHANGE
    select_related = ("local_authority",)
    form_class = EnquiryForm
    submit_label = "Save changes"

    @property
    def page_title(self):
        return f"Change {self.object}"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.object, "user": self.request.user}

    def perform(self, form):
        return actions.do_update_enquiry(self.object, acting_user=self.request.user, **form.action_fields())

    def get_success_url(self):
        return self.object.get_absolute_url()


class ReviewRecordArchiveView(ScopedObjectMixin, View):
    scope_action = CHANGE
    back = ""

    def post(self, request, pk):
        actions.do_archive_review_record(self.object, acting_user=request.user)
        return redirect(self.back)

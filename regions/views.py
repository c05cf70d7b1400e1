"""The roll-up pages of NHS England's regional and national roles: regions -> region (its ICBs) -> ICB.

Aggregates only (regions.reports). An ICB or a region outside the user's scope is a 404; any other role is refused
(403). A quarter with no returns gives the same page with empty, labelled tables.
"""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.views import View
from django.views.generic import TemplateView

from core.choices import REGIONAL_ROLES
from core.downloads import xlsx_response
from core.quarters import Quarter, last_ended_quarter, quarters_up_to
from core.scoping import CHANGE
from core.views import ActionFormView, RoleRequiredMixin, ScopedObjectMixin
from regions import actions, reports, rules, spreadsheets
from regions.forms import ResendForm, ReviewForm, SendReturnForm, WithdrawForm
from regions.models import ICB_READERS, ICB_SENDERS, REVIEWERS, AssuranceReturn
from regions.scoping import icbs_for, regions_for
from reporting import rules as reporting_rules
from reporting.models import REGIONAL_TYPE, Report

RETURN_READERS = ICB_READERS | REGIONAL_ROLES


def selected_quarter(request):
    """The quarter asked for (`?quarter=2026/27 Q2`), else the last one ended."""
    try:
        return Quarter.parse(request.GET.get("quarter", ""))
    except ValueError:
        return last_ended_quarter(timezone.localdate())


def quarter_choices(count=8):
    return quarters_up_to(last_ended_quarter(timezone.localdate()), count)[::-1]


class RollUpPage(LoginRequiredMixin):
    """Open to NHS England's regional and national roles only (core.permissions lets them reach these pages)."""

    open_to_nhs_england = True

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and request.user.role not in REGIONAL_ROLES:
            raise PermissionDenied("These roll-ups are for NHS England's regional and national teams.")
        return super().dispatch(request, *args, **kwargs)


class RollUpTemplatePage(RollUpPage, TemplateView):
    def get_context_data(self, **kwargs):
        quarter = selected_quarter(self.request)
        return super().get_context_data(quarter=quarter, quarters=quarter_choices(), **kwargs)


class RegionListView(RollUpTemplatePage):
    template_name = "regions/index.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        rollups = reports.rollups(icbs_for(self.request.user), context["quarter"])
        summaries = reports.region_summaries(regions_for(self.request.user), rollups)
        user = self.request.user
        annual = Report.objects.restrict(user).filter(report_type__code=REGIONAL_TYPE, archived_at__isnull=True)
        received = AssuranceReturn.objects.restrict(user)
        return {
            **context,
            "summaries": summaries,
            "annual_reports": annual.select_related("report_type", "organisation")[:10],
            "can_start_annual": user.role in reporting_rules.REGIONAL,
            "awaiting_review": received.filter(status=rules.AWAITING_REVIEW).count(),
            "returns_received": received.current().count(),
        }


class RegionDetailView(RollUpTemplatePage):
    template_name = "regions/region.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        region = get_object_or_404(regions_for(self.request.user), pk=self.kwargs["pk"])
        rollups = reports.rollups(icbs_for(self.request.user, region), context["quarter"])
        summary = reports.region_summaries([region], rollups)[0]
        return {**context, "region": region, "rollups": rollups, "summary": summary}


class IcbRollupView(RollUpTemplatePage):
    template_name = "regions/icb.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        icb = get_object_or_404(icbs_for(self.request.user), pk=self.kwargs["pk"])
        rollup = reports.rollups(icbs_for(self.request.user).filter(pk=icb.pk), context["quarter"])[0]
        return {**context, "icb": icb, "region": icb.parent, "rollup": rollup}


class RegionExportView(RollUpPage, View):
    def get(self, request, pk):
        region = get_object_or_404(regions_for(request.user), pk=pk)
        quarter = selected_quarter(request)
        rollups = reports.rollups(icbs_for(request.user, region), quarter)
        filename = f"roll-up-{region.ods_code or region.pk}-{quarter.slug}.xlsx"
        return xlsx_response(spreadsheets.region_workbook(region, quarter, rollups), filename)


# --- The ICB's quarterly assurance return to its region [SAAF 5.3] ---------------------------------------------


class ReturnListView(LoginRequiredMixin, TemplateView):
    """Received returns for the region (regional lead, national team); the ICB's sent returns for the ICB."""

    open_to_nhs_england = True
    template_name = "regions/returns.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and request.user.role not in RETURN_READERS:
            raise PermissionDenied("Your role does not read the quarterly assurance returns.")
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        user = self.request.user
        returns = AssuranceReturn.objects.restrict(user).current().select_related("icb", "region", "reviewed_by")
        return super().get_context_data(
            returns=returns,
            received=user.role in REGIONAL_ROLES,
            can_send=user.role in ICB_SENDERS,
            **kwargs,
        )


class ReturnObjectMixin(ScopedObjectMixin):
    model = AssuranceReturn
    select_related = ("icb", "region", "report__report_type", "submitted_by", "reviewed_by")


class ReturnDetailView(ReturnObjectMixin, TemplateView):
    open_to_nhs_england = True
    template_name = "regions/return.html"
    select_related = (*ReturnObjectMixin.select_related, "withdrawn_by")

    def get_context_data(self, **kwargs):
        user, sent = self.request.user, self.object
        may_change = AssuranceReturn.objects.restrict(user, CHANGE).filter(pk=sent.pk).exists()
        current = not sent.is_replaced
        history = (
            AssuranceReturn.objects.restrict(user)
            .filter(icb=sent.icb_id, period_start=sent.period_start)
            .order_by("-number")
            .select_related("submitted_by")
        )
        return super().get_context_data(
            sent=sent,
            figures=sent.figures,
            history=history,
            can_review=user.role in REVIEWERS and may_change and current and sent.status in rules.REVIEWABLE,
            can_withdraw=user.role in ICB_SENDERS and may_change and current and sent.status in rules.WITHDRAWABLE,
            can_resend=user.role in ICB_SENDERS and may_change and current and sent.status in rules.RESENDABLE,
            **kwargs,
        )


class ReturnReviewView(ReturnObjectMixin, ActionFormView):
    """The regional lead's feedback: guarded by the return's version, so two reviewers never overwrite each other."""

    open_to_nhs_england = True
    scope_action = CHANGE
    form_class = ReviewForm
    submit_label = "Save the review"
    success_message = "Review saved: the ICB sees your feedback."

    def get_object(self):
        sent = super().get_object()
        if self.request.user.role not in REVIEWERS:
            raise PermissionDenied("Only the regional lead reviews a return.")
        return sent

    @property
    def page_title(self):
        return f"Review: {self.object}"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "version_of": self.object}

    def get_initial(self):
        return {"feedback": self.object.feedback}

    def perform(self, form):
        return actions.do_review_return(
            self.object, feedback=form.cleaned_data["feedback"], acting_user=self.request.user
        )

    def get_success_url(self):
        return self.object.get_absolute_url()


class IcbReturnChangeView(ReturnObjectMixin, ActionFormView):
    """A change the ICB's team makes to its own return (withdraw, correct): another ICB's is a 404, a role that reads
    it but may not change it a 403; guarded by the return's version, so a review saved meanwhile is not crossed."""

    open_to_nhs_england = True  # reached by the regional lead only to be refused (403), as the review page is
    scope_action = CHANGE

    def get_object(self):
        sent = super().get_object()
        if self.request.user.role not in ICB_SENDERS:
            raise PermissionDenied("Only the ICB's safeguarding team withdraws or corrects its return.")
        return sent

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "version_of": self.object}

    def get_success_url(self):
        return self.result.get_absolute_url()


class ReturnWithdrawView(IcbReturnChangeView):
    form_class = WithdrawForm
    submit_label = "Withdraw the return"
    success_message = "Withdrawn: the region sees the return as withdrawn, with your reason."

    @property
    def page_title(self):
        return f"Withdraw: {self.object}"

    def perform(self, form):
        return actions.do_withdraw_return(
            self.object, reason=form.cleaned_data["reason"], acting_user=self.request.user
        )


class ReturnResendView(IcbReturnChangeView):
    form_class = ResendForm
    submit_label = "Send the corrected return"
    success_message = "Sent to the region: {result}. It awaits the region's review."

    @property
    def page_title(self):
        return f"Send a corrected return: {self.object}"

    def quarter_reports(self):
        """The ICB's approved quarterly assurance reports of the return's quarter (every approved version)."""
        return (
            Report.objects.restrict(self.request.user)
            .filter(
                report_type__code=rules.RETURN_REPORT_TYPE,
                status__in=reporting_rules.FROZEN,
                period_start=self.object.period_start,
            )
            .select_related("report_type")
        )

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "reports": self.quarter_reports()}

    def get_initial(self):
        latest = self.quarter_reports().order_by("-number").first()
        return {"report": latest, "statement": self.object.statement}

    def perform(self, form):
        return actions.do_resend_return(self.object, acting_user=self.request.user, **form.cleaned_data)


class SendReturnView(RoleRequiredMixin, ActionFormView):
    allowed_roles = ICB_SENDERS
    form_class = SendReturnForm
    page_title = "Send the quarterly assurance return to the region"
    submit_label = "Send to the region"
    success_message = "Sent to the region: {result}."

    def get_form_kwargs(self):
        reports = (
            Report.objects.restrict(self.request.user)
            .filter(report_type__code=rules.RETURN_REPORT_TYPE, status__in=reporting_rules.FROZEN)
            .select_related("report_type")
        )
        return {**super().get_form_kwargs(), "reports": reports}

    def perform(self, form):
        return actions.do_send_return(acting_user=self.request.user, **form.cleaned_data)

    def get_success_url(self):
        return self.result.get_absolute_url()

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
from regions import reports, spreadsheets
from regions.scoping import icbs_for, regions_for


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
        return {**context, "summaries": summaries}


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

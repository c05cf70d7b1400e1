import contextlib
import gc

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.views import View
from django.views.generic import TemplateView

from core.audit import history_for
from core.bounds import out_of_range
from core.choices import ICB_ROLES, Role
from core.conflicts import is_unique_violation
from core.downloads import file_attachment, xlsx_response
from core.models import ACTION_EDITORS, TrackedAction
from core.scoping import CHANGE, allowed_organisations, can
from core.views import ActionFormView, RoleRequiredMixin, ScopedObjectMixin
from organisations.choices import OrganisationKind
from organisations.models import Contract
from returns import actions, catalogue, charts, conf, reports, rules, spreadsheet
from returns.choices import JUDGEABLE_STATUSES, ReturnStatus, Source
from returns.filters import ReturnFilter
from returns.forms import (
    CommentForm,
    EvidenceAttachmentForm,
    EvidenceForm,
    JudgementForm,
    OverrideForm,
    ReturnFiguresForm,
    StartReturnForm,
    TrackedActionForm,
    UploadForm,
)
from returns.models import (
    OVERRIDE_EDITORS,
    RETURN_EDITORS,
    REVIEWERS,
    JudgedMetric,
    JudgedRating,
    JudgementAttachment,
    Metric,
    MetricValue,
    Return,
    ThresholdOverride,
)


def selected_quarter(request):
    try:
        return rules.Quarter.parse(request.GET.get("quarter", ""))
    except ValueError:
        return rules.last_ended_quarter(timezone.localdate())


def quarter_choices(today, count=8):
    return rules.quarters_up_to(rules.last_ended_quarter(today), count)[::-1]


class ReturnListView(LoginRequiredMixin, TemplateView):
    """A provider's returns by quarter (with the ones still to make); the ICB's returns, filterable."""

    template_name = "returns/return_list.html"

    def get_context_data(self, **kwargs):
        user, today = self.request.user, timezone.localdate()
        queryset = Return.objects.restrict(user).filter(archived_at__isnull=True).select_related("provider")
        filterset = ReturnFilter(self.request.GET or None, queryset=queryset, request=self.request)
        returns = filterset.qs if filterset.is_bound else queryset
        to_start = []
        if user.role == Role.PROVIDER:
            made = set(queryset.values_list("period", flat=True))
            to_start = [q for q in quarter_choices(today, 4) if q.index not in made]
        providers = []
        if user.role in RETURN_EDITORS and user.role != Role.PROVIDER:
            providers = reports.reporting_organisations(allowed_organisations(user))
        return super().get_context_data(
            filter=filterset,
            returns=returns[:200],
            providers=providers,
            quarters=quarter_choices(today, 4),
            today=today,
            to_start=to_start,
            can_start=user.role in RETURN_EDITORS,
            **kwargs,
        )


class StartReturnView(RoleRequiredMixin, View):
    allowed_roles = RETURN_EDITORS

    def post(self, request):
        form = StartReturnForm(request.POST)
        provider = request.user.organisation
        if request.user.role != Role.PROVIDER:
            provider_id = request.POST.get("provider", "")
            provider = None
            if provider_id.isascii() and provider_id.isdigit() and not out_of_range(provider_id):
                provider = allowed_organisations(request.user).filter(pk=int(provider_id)).first()
            if provider is None:
                raise Http404("No such provider.")
        if not form.is_valid():
            messages.error(request, "; ".join(form.errors.get("quarter", ["Choose a quarter."])))
            return redirect("returns:list")
        quarter = form.cleaned_data["quarter"]
        existing = Return.objects.filter(provider=provider, period=quarter.index).first()
        if existing:
            return redirect("returns:detail", pk=existing.pk)
        try:
            return_obj = actions.do_start_return(provider=provider, quarter=quarter, acting_user=request.user)
            messages.success(request, f"{quarter} return started. Enter figures as you have them.")
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("returns:list")
        except IntegrityError as error:  # someone started it at the same moment: show theirs
            if not is_unique_violation(error):
                raise
            return_obj = Return.objects.get(provider=provider, period=quarter.index)
        return redirect("returns:detail", pk=return_obj.pk)


class ReturnDetailView(ScopedObjectMixin, TemplateView):
    """The quarter view of one provider's return: status, due date, figures and ratings, every version."""

    model = Return
    select_related = ("provider", "reviewed_by")
    template_name = "returns/return_detail.html"

    def get_context_data(self, **kwargs):
        user, ret = self.request.user, self.object
        versions = list(ret.versions.select_related("submitted_by"))
        shown = next((v for v in versions if str(v.number) == self.request.GET.get("version")), versions[-1])
        show_judgements = reports.judgements_visible(user, ret)
        rated, judged = reports.rate_return(ret, shown, judged=show_judgements)
        problems, not_entered = [], []
        submit_failed = self.request.GET.get("submit") == "failed"
        if ret.is_editable:
            problems, not_entered = before_you_submit(ret, submit_failed=submit_failed)
        can_change = can(user, Return, CHANGE, ret.provider)
        evidence = reports.evidence_of(shown)
        files = reports.attachments_of(shown)
        return super().get_context_data(
            ret=ret,
            versions=versions,
            shown=shown,
            rated=list(rated.values()),
            judged=[
                {
                    "judged_metric": judged_metric,
                    "cell": judged.get(judged_metric.code),
                    "files": files.get(judged_metric.code, []),
                    "answers": [
                        (spec["label"], evidence.get(judged_metric.code, {}).get(spec["code"], ""))
                        for spec in judged_metric.evidence_fields
                    ],
                    "facts": reports.judgement_facts(judged_metric, ret, rated, evidence)
                    if user.role in ICB_ROLES
                    else [],
                }
                for judged_metric in catalogue.judged_metrics_for(ret.provider.kind)
            ],
            judgement_history=judgement_history(ret) if show_judgements else [],
            by_authority=reports.by_local_authority(
                shown, catalogue.metrics_for(ret.provider.kind), catalogue.local_authorities_for(ret.provider.icb_id)
            ),
            show_judgements=show_judgements,
            back_to_matrix=user.role in ICB_ROLES,
            can_rate=user.role in REVIEWERS and ret.status in JUDGEABLE_STATUSES,
            problems=problems,
            not_entered=not_entered,
            submit_failed=submit_failed,
            today=timezone.localdate(),
            can_edit=can_change and ret.is_editable,
            can_review=user.role in REVIEWERS and ret.status == ReturnStatus.SUBMITTED,
            actions=TrackedAction.objects.restrict(user).for_source(ret),
            history=history_for(ret)[:30],
            **kwargs,
        )


def edit_anchor(problem):
    """The id, on the return's form, of the field a problem is about: the explanation box for a warning that
    needs explaining, otherwise the metric's fieldset."""
    if problem.field == "explanation":
        return f"id_{problem.metric}__exp"
    return f"metric-{problem.metric}"


def before_you_submit(ret, *, submit_failed):
    """What the "Before you submit" box lists: each problem that still blocks submission (a warning once
    explained drops off), linked to its field on the form. A figure not entered yet is not an error on a draft:
    it is listed apart, and becomes an error only once a submission was tried and refused."""
    blocking, _ = actions.submission_problems(ret)
    missing = [p for p in blocking if p.rule == "complete"]
    listed = [p for p in blocking if p.rule != "complete"] + (missing if submit_failed else [])
    unique = {(p.where(), p.message): p for p in listed}.values()
    problems = [
        {"problem": p, "anchor": edit_anchor(p), "is_error": p.severity == rules.ERROR}
        for p in sorted(unique, key=lambda p: p.severity != rules.ERROR)
    ]
    return problems, [] if submit_failed else [p.metric for p in missing]


def judgement_history(ret):
    return list(
        JudgedRating.objects.filter(return_obj=ret)
        .select_related("judged_metric", "rated_by")
        .order_by("judged_metric__position", "-revision")
    )


class EditableReturnMixin(ScopedObjectMixin):
    model = Return
    scope_action = CHANGE
    select_related = ("provider",)

    def get_object(self):
        obj = super().get_object()
        if self.request.user.role not in RETURN_EDITORS:
            raise PermissionDenied("Your role cannot change returns.")
        return obj


class ReturnEditView(EditableReturnMixin, ActionFormView):
    """The web form: every applicable metric with its breakdowns."""

    form_class = ReturnFiguresForm
    template_name = "returns/return_form.html"
    submit_label = "Save figures"
    edits_object_children = True

    @property
    def page_title(self):
        return f"{self.object.quarter} return: {self.object.provider.name}"

    def get_form_kwargs(self):
        ret = self.object
        return {
            **super().get_form_kwargs(),
            "metrics": catalogue.metrics_for(ret.provider.kind),
            "local_authorities": catalogue.local_authorities_for(ret.provider.icb_id),
            "entries": reports.entries_of(reports.working_version(ret)),
            "prefilled": reports.prefilled_codes(reports.working_version(ret)),
        }

    def perform(self, form):
        return actions.do_save_figures(
            self.object, entries=form.entries, acting_user=self.request.user, source=Source.WEB, replace=True
        )

    def get_context_data(self, **kwargs):
        """Beside each metric: the warnings that still need explaining (explanation box right below) and the
        provisional rating of the figures saved, from the same rating rules (reports.rate_return)."""
        context = super().get_context_data(**kwargs)
        ret, form = self.object, context["form"]
        blocking, _ = actions.submission_problems(ret)
        warnings = {}
        for problem in blocking:
            if problem.severity == rules.WARNING:
                warnings.setdefault(problem.metric, []).append(problem)
        rated, _ = reports.rate_return(ret, reports.working_version(ret), form.metrics, judged=False)
        for section in form.layout:
            code = section["metric"].code
            section["warnings"] = warnings.get(code, [])
            section["rated"] = rated.get(code)
        context["warning_count"] = sum(len(found) for found in warnings.values())
        context["warned"] = list(warnings.items())
        return context

    def get_success_url(self):
        return reverse("returns:detail", args=[self.object.pk])


class ReturnSubmitView(EditableReturnMixin, View):
    def post(self, request, pk):
        try:
            actions.do_submit_return(self.object, acting_user=request.user)
        except ValidationError as error:
            count = len(error.messages)
            messages.error(
                request,
                f"The return has not been submitted: {count} {'thing needs' if count == 1 else 'things need'} "
                "putting right first, listed under “Before you submit”.",
            )
            return redirect(reverse("returns:detail", args=[pk]) + "?submit=failed#before-you-submit")
        messages.success(request, "Return submitted.")
        return redirect("returns:detail", pk=pk)


class EvidenceEditView(EditableReturnMixin, ActionFormView):
    """The provider's evidence for the judged quality metrics [CPCCG App. 3], beside its figures."""

    form_class = EvidenceForm
    template_name = "returns/evidence_form.html"
    submit_label = "Save evidence"
    edits_object_children = True  # the return's version guards its evidence, as it guards its figures

    @property
    def page_title(self):
        return f"Evidence for the judged metrics: {self.object.quarter} return"

    def get_form_kwargs(self):
        ret = self.object
        return {
            **super().get_form_kwargs(),
            "judged_metrics": catalogue.judged_metrics_for(ret.provider.kind),
            "answers": reports.evidence_of(reports.working_version(ret)),
        }

    def perform(self, form):
        result = actions.do_save_evidence(self.object, answers=form.answers, acting_user=self.request.user)
        messages.success(self.request, "Evidence saved.")
        return result

    def get_success_url(self):
        return reverse("returns:detail", args=[self.object.pk]) + "#judged"


class EvidenceAttachView(EditableReturnMixin, ActionFormView):
    """Attach a file as evidence for one judged metric."""

    form_class = EvidenceAttachmentForm
    submit_label = "Attach file"

    @property
    def page_title(self):
        return f"Attach evidence: {self.object.quarter} return"

    def get_form_kwargs(self):
        codes = [j.code for j in catalogue.judged_metrics_for(self.object.provider.kind)]
        return {**super().get_form_kwargs(), "judged_metrics": JudgedMetric.objects.filter(code__in=codes)}

    def perform(self, form):
        data = form.cleaned_data
        attachment = actions.do_attach_evidence(
            self.object,
            judged_metric=data["judged_metric"],
            upload=data["upload"],
            description=data["description"],
            acting_user=self.request.user,
        )
        messages.success(self.request, f"{attachment.original_name} attached.")
        return attachment

    def get_success_url(self):
        return reverse("returns:detail", args=[self.object.pk]) + "#judged"


class EvidenceFileView(ScopedObjectMixin, View):
    """Evidence files are served only here, to users who may see the return (never from /media/)."""

    model = JudgementAttachment

    def get(self, request, pk):
        attachment = self.object
        return file_attachment(attachment.file, attachment.original_name)


class JudgeView(ScopedObjectMixin, ActionFormView):
    """The ICB rates one judged metric of a submitted return by choosing a descriptor."""

    model = Return
    select_related = ("provider",)
    form_class = JudgementForm
    template_name = "returns/judge.html"
    submit_label = "Save rating"

    def get_object(self):
        obj = super().get_object()
        if self.request.user.role not in REVIEWERS:
            raise PermissionDenied("Only the ICB safeguarding team rates judged metrics.")
        try:
            self.judged_metric = actions.judged_metric_for(obj, self.kwargs["code"])
        except ValidationError as error:
            raise Http404(" ".join(error.messages)) from error
        return obj

    @property
    def page_title(self):
        return f"Rate {self.judged_metric.code} {self.judged_metric.title}"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "judged_metric": self.judged_metric}

    def get_context_data(self, **kwargs):
        ret = self.object
        version = reports.latest_submitted_versions([ret]).get(ret.pk) or reports.working_version(ret)
        rated, _ = reports.rate_return(ret, version, judged=False)
        evidence = reports.evidence_of(version)
        return super().get_context_data(
            ret=ret,
            judged_metric=self.judged_metric,
            answers=[
                (spec["label"], evidence.get(self.judged_metric.code, {}).get(spec["code"], ""))
                for spec in self.judged_metric.evidence_fields
            ],
            facts=reports.judgement_facts(self.judged_metric, ret, rated, evidence),
            capped=[rated[code] for code in self.judged_metric.caps if code in rated],
            history=[j for j in judgement_history(ret) if j.judged_metric_id == self.judged_metric.pk],
            **kwargs,
        )

    def perform(self, form):
        judgement = actions.do_rate_judged_metric(
            self.object,
            judged_metric=self.judged_metric,
            rating=form.cleaned_data["rating"],
            reason=form.cleaned_data["reason"],
            acting_user=self.request.user,
        )
        messages.success(self.request, f"{self.judged_metric.code} rated {judgement.rating}.")
        return judgement

    def get_success_url(self):
        return reverse("returns:detail", args=[self.object.pk]) + "#judged"


class ReviewMixin(ScopedObjectMixin):
    model = Return
    select_related = ("provider",)

    def get_object(self):
        obj = super().get_object()
        if self.request.user.role not in REVIEWERS:
            raise PermissionDenied("Only the ICB safeguarding team reviews returns.")
        return obj


class ReturnSendBackView(ReviewMixin, ActionFormView):
    form_class = CommentForm
    submit_label = "Return for correction"

    @property
    def page_title(self):
        return f"Return for correction: {self.object}"

    def perform(self, form):
        return actions.do_return_for_correction(
            self.object, comment=form.cleaned_data["comment"], acting_user=self.request.user
        )

    def get_success_url(self):
        return reverse("returns:detail", args=[self.object.pk])


class ReturnAcceptView(ReviewMixin, View):
    def post(self, request, pk):
        try:
            actions.do_accept_return(self.object, acting_user=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, "Return accepted.")
        return redirect("returns:detail", pk=pk)


class TemplateDownloadView(EditableReturnMixin, View):
    def get(self, request, pk):
        ret = self.object
        content = spreadsheet.template_for(ret)
        return xlsx_response(content, f"return-{ret.provider.ods_code or ret.provider_id}-{ret.quarter.slug}.xlsx")


class UploadView(EditableReturnMixin, ActionFormView):
    form_class = UploadForm
    template_name = "returns/upload.html"
    submit_label = "Upload"

    @property
    def page_title(self):
        return f"Upload the {self.object.quarter} return template"

    def perform(self, form):
        return spreadsheet.import_upload(self.object, form.cleaned_data["file"], acting_user=self.request.user)

    def get_success_url(self):
        messages.success(self.request, "The template was read and its figures saved. Check them, then submit.")
        return reverse("returns:detail", args=[self.object.pk])


class MatrixView(RoleRequiredMixin, TemplateView):
    """The ICB's RAG matrix: providers × metrics for a quarter, with completeness and timeliness."""

    allowed_roles = ICB_ROLES
    template_name = "returns/matrix.html"

    def get_context_data(self, **kwargs):
        user, today = self.request.user, timezone.localdate()
        quarter = selected_quarter(self.request)
        kind = self.request.GET.get("kind", "")
        sort = self.request.GET.get("sort", "")
        with collector_paused():
            matrix = reports.build_matrix(
                allowed_organisations(user),
                Return.objects.restrict(user),
                quarter,
                kind=kind or None,
                sort=sort,
                today=today,
                icb_id=user.organisation.icb_id,
            )
            rows = matrix_rows_html(matrix, quarter)
        kinds = [(k, label) for k, label in OrganisationKind.choices if k in reports.REPORTING_KINDS]
        return super().get_context_data(
            matrix=matrix,
            matrix_rows=rows,
            quarter=quarter,
            quarters=quarter_choices(today),
            kinds=kinds,
            kind=kind,
            sort=sort,
            **kwargs,
        )


RAG_LETTER = {rules.RED: "R", rules.AMBER: "A", rules.GREEN: "G"}


@contextlib.contextmanager
def collector_paused():
    """Python's cycle collector paused while a page builds tens of thousands of short-lived objects (the matrix at
    600 providers: a value, a rating and a cell per metric per provider), which reference counting frees anyway:
    collections it triggered midway cost 15-105 ms of a 150 ms build (docs/returns.md). Only the thread that paused
    it resumes it, so with threaded workers it is never left paused."""
    paused = gc.isenabled()
    if paused:
        gc.disable()
    try:
        yield
    finally:
        if paused:
            gc.enable()


def matrix_rows_html(matrix, quarter):
    """The matrix's table body, built in Python once per page: a template loop over 600 providers × 26 columns
    costs seconds (a variable lookup per attribute per cell), string formatting milliseconds. Every text is escaped;
    the markup is the one the page always had (row headers with scope, the rating in words and letters, not colour
    alone)."""
    slug = escape(quarter.slug)
    trend_url = reverse("returns:trend", args=[0]).rsplit("0/", 1)[0]
    detail_url = reverse("returns:detail", args=[0]).rsplit("0/", 1)[0]
    cell_url = reverse("returns:cell", args=[0, "X"]).rsplit("0/metric/X/", 1)[0]
    codes = [(m.code, escape(m.code)) for m in matrix.metrics]
    judged_codes = [(j.code, escape(j.code)) for j in matrix.judged_metrics]
    out = []
    for row in matrix.rows:
        ret, name = row.return_obj, escape(row.provider.name)
        status = escape(row.status)
        if ret is not None:
            status_html = f'<a href="{detail_url}{ret.pk}/">{status}</a>'
        elif row.status == "missing":
            status_html = '<strong class="nhsuk-tag nhsuk-tag--red">Missing</strong>'
        else:
            status_html = status
        if row.status == "late":
            status_html += ' <strong class="nhsuk-tag nhsuk-tag--red">Late</strong>'
        parts = [
            f'<tr><th scope="row"><a href="{trend_url}{row.provider.pk}/?quarter={slug}">{name}</a></th>'
            f"<td>{status_html}</td>"
        ]
        for code, code_html in codes:
            cell = row.cells.get(code)
            if cell is None:
                parts.append("<td>n/a</td>")
            elif cell.value and ret is not None:
                shown, rating = escape(cell.display), cell.rating
                letter = RAG_LETTER.get(rating)
                mark = ""
                if cell.combined:
                    judged_code = escape(cell.judged_by.code)
                    if cell.combined.to_rate:
                        mark = (
                            f' <span title="Evidence ({judged_code}) not rated yet">*</span>'
                            '<span class="nhsuk-u-visually-hidden">, evidence to rate</span>'
                        )
                    elif cell.combined.driver == rules.JUDGEMENT:
                        mark = (
                            f' <span title="Capped by the judgement of evidence ({judged_code})">†</span>'
                            '<span class="nhsuk-u-visually-hidden">, capped by the judgement of evidence</span>'
                        )
                parts.append(
                    f'<td class="rag-{rating}"><a href="{cell_url}{ret.pk}/metric/{code_html}/" '
                    f'aria-label="{name} {code_html} {shown} {rating}">{shown}</a>'
                    + (f' <b aria-hidden="true">{letter}</b>' if letter else "")
                    + f'<span class="nhsuk-u-visually-hidden"> {rating}</span>{mark}</td>'
                )
            else:
                parts.append("<td>–</td>")
        for code, code_html in judged_codes:
            cell = row.judged.get(code)
            if cell is None:
                parts.append("<td>n/a</td>")
            elif ret is not None:
                parts.append(
                    f'<td class="rag-{cell.rating}"><a href="{detail_url}{ret.pk}/#judged">{escape(cell.display)}'
                    f'<span class="nhsuk-u-visually-hidden"> {name} {code_html}</span></a></td>'
                )
            else:
                parts.append("<td>–</td>")
        parts.append("</tr>")
        out.append("".join(parts))
    return mark_safe("\n".join(out))  # noqa: S308 - every value above is escaped


class CellView(ScopedObjectMixin, TemplateView):
    """Drill-down from a matrix cell: the figures and breakdown behind one metric's rating."""

    model = Return
    select_related = ("provider",)
    template_name = "returns/cell.html"

    def get_context_data(self, **kwargs):
        ret = self.object
        try:
            metric = Metric.objects.get(code=self.kwargs["code"])
        except Metric.DoesNotExist as missing:
            raise Http404("No such metric.") from missing
        version = reports.latest_submitted_versions([ret]).get(ret.pk) or reports.working_version(ret)
        version.return_obj = ret
        value = MetricValue.objects.filter(version=version, metric=metric).prefetch_related("breakdown").first()
        visible = reports.judgements_visible(self.request.user, ret)
        rated, _ = reports.rate_return(ret, version, [metric], judged=visible)
        rated = rated.get(metric.code) or reports.Rated(metric, value, rules.NONE)
        authorities = dict(catalogue.local_authorities_for(ret.provider.icb_id))
        tables = []
        rows = list(value.breakdown.all()) if value else []
        for dimension in metric.breakdowns:
            labels = dict(catalogue.categories(dimension, authorities.items()))
            table_rows = []
            for row in rows:
                if row.dimension == dimension:
                    pct = rules.percentage(row.numerator, row.denominator)
                    table_rows.append(
                        {
                            "label": labels.get(row.category, row.category),
                            "row": row,
                            "pct": None if pct is None else f"{float(pct):.1f}%",
                        }
                    )
            tables.append({"title": catalogue.dimension_title(dimension), "rows": table_rows})
        previous = reports.trend(
            ret.provider,
            Return.objects.restrict(self.request.user),
            rules.quarters_up_to(ret.quarter, conf.trend_quarters()),
            [metric],
            user=self.request.user,
        )
        return super().get_context_data(
            ret=ret,
            metric=metric,
            version=version,
            rated=rated,
            tables=tables,
            trend=previous.get(metric.code, []),
            chart=charts.trend_svg(metric, previous.get(metric.code, []), table_id="cell-trend-table")
            if previous.get(metric.code)
            else "",
            can_open_action=self.request.user.role in ACTION_EDITORS and rated.rating in (rules.RED, rules.AMBER),
            back_to_matrix=self.request.user.role in ICB_ROLES,
            actions=[
                a
                for a in TrackedAction.objects.restrict(self.request.user).for_source(ret)
                if f", {metric.code} " in a.source_label
            ],
            **kwargs,
        )


class OpenActionView(ScopedObjectMixin, ActionFormView):
    """Open an action in the shared tracker for a red or amber metric."""

    model = Return
    select_related = ("provider",)
    form_class = TrackedActionForm
    submit_label = "Open action"

    def get_object(self):
        obj = super().get_object()
        if self.request.user.role not in ACTION_EDITORS:
            raise PermissionDenied("Your role cannot open actions.")
        try:
            self.metric = Metric.objects.get(code=self.kwargs["code"])
        except Metric.DoesNotExist as missing:
            raise Http404("No such metric.") from missing
        return obj

    @property
    def page_title(self):
        return f"Open an action: {self.metric.title}, {self.object}"

    def perform(self, form):
        ret = self.object
        version = reports.latest_submitted_versions([ret]).get(ret.pk)
        visible = reports.judgements_visible(self.request.user, ret)
        cell = (
            reports.rate_return(ret, version, [self.metric], judged=visible)[0].get(self.metric.code)
            if version
            else None
        )
        rating = cell.rating if cell else rules.NONE
        return actions.do_open_metric_action(
            ret, metric=self.metric, rating=rating, acting_user=self.request.user, **form.cleaned_data
        )

    def get_success_url(self):
        return reverse("returns:cell", args=[self.object.pk, self.metric.code])


class ProviderScopeMixin(LoginRequiredMixin):
    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.provider = allowed_organisations(request.user).filter(pk=kwargs["provider"]).first()
            if self.provider is None:
                raise Http404("Not found, or not yours to see.")
        return super().dispatch(request, *args, **kwargs)


class TrendView(ProviderScopeMixin, TemplateView):
    """A provider's eight-quarter trend: ratings per metric per quarter, with a chart per main metric."""

    template_name = "returns/trend.html"

    def get_context_data(self, **kwargs):
        kwargs.pop("provider", None)
        today = timezone.localdate()
        quarter = selected_quarter(self.request)
        quarters = rules.quarters_up_to(quarter, conf.trend_quarters())
        metrics = catalogue.metrics_for(self.provider.kind)
        user = self.request.user
        trend, judged = reports.trend_with_judgements(
            self.provider, Return.objects.restrict(user), quarters, metrics, user=user
        )
        rows = [
            {
                "metric": m,
                "cells": trend[m.code],
                "chart": charts.trend_svg(m, trend[m.code], table_id="trend-table") if m.main else "",
            }
            for m in metrics
        ]
        return super().get_context_data(
            provider=self.provider,
            quarters=quarters,
            rows=rows,
            judged_rows=[
                {"judged": j, "cells": judged[j.code]}
                for j in catalogue.judged_metrics_for(self.provider.kind)
                if j.code in judged
            ],
            quarter=quarter,
            today=today,
            **kwargs,
        )


class TrendChartView(ProviderScopeMixin, View):
    def get(self, request, provider, code):
        try:
            metric = Metric.objects.get(code=code)
        except Metric.DoesNotExist as missing:
            raise Http404("No such metric.") from missing
        quarter = selected_quarter(request)
        quarters = rules.quarters_up_to(quarter, conf.trend_quarters())
        trend = reports.trend(
            self.provider, Return.objects.restrict(request.user), quarters, [metric], user=request.user
        )
        png = charts.trend_png(metric, trend.get(code, [(q, None) for q in quarters]))
        return HttpResponse(png, content_type="image/png")


class OverrideListView(RoleRequiredMixin, TemplateView):
    allowed_roles = ICB_ROLES
    template_name = "returns/overrides.html"

    def get_context_data(self, **kwargs):
        overrides = (
            ThresholdOverride.objects.restrict(self.request.user)
            .select_related("contract__provider", "metric", "created_by")
            .order_by("contract__provider__name", "metric__position", "effective_from")
        )
        rows = [
            {"o": o, "scheme": rules.Scheme.from_dict(o.scheme, gap_rating=conf.multi_agency_gap_rating())}
            for o in overrides
        ]
        metrics = [
            {"m": m, "scheme": rules.Scheme.from_dict(m.scheme, gap_rating=conf.multi_agency_gap_rating())}
            for m in Metric.objects.filter(active=True)
        ]
        return super().get_context_data(
            rows=rows, metrics=metrics, can_add=self.request.user.role in OVERRIDE_EDITORS, **kwargs
        )


class OverrideCreateView(RoleRequiredMixin, ActionFormView):
    allowed_roles = OVERRIDE_EDITORS
    form_class = OverrideForm
    page_title = "Set a contract's thresholds for a metric"
    submit_label = "Save thresholds"

    def get_form_kwargs(self):
        contracts = Contract.objects.restrict(self.request.user).filter(archived_at__isnull=True)
        return {**super().get_form_kwargs(), "contracts": contracts.select_related("provider")}

    def perform(self, form):
        data = form.cleaned_data
        scheme = actions.override_scheme(
            green_above=data["green_above"],
            amber_from=data["amber_from"],
            require_breakdown=data["require_breakdown"],
            target=data["target"],
        )
        return actions.do_set_threshold_override(
            contract=data["contract"],
            metric=data["metric"],
            effective_from=data["effective_from"],
            scheme=scheme,
            reason=data["reason"],
            acting_user=self.request.user,
        )

    def get_success_url(self):
        return reverse("returns:overrides")


class CatalogueView(LoginRequiredMixin, TemplateView):
    template_name = "returns/catalogue.html"

    def get_context_data(self, **kwargs):
        gap = conf.multi_agency_gap_rating()
        metrics = [
            {
                "m": m,
                "scheme": rules.Scheme.from_dict(m.scheme, gap_rating=gap),
                "breakdowns": [catalogue.dimension_title(d) for d in m.breakdowns],
                "kinds": [OrganisationKind(k).label for k in m.applies_to if k in OrganisationKind.values],
            }
            for m in Metric.objects.filter(active=True)
        ]
        return super().get_context_data(metrics=metrics, version=catalogue.data()["version"], **kwargs)

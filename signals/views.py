"""Pages of the signals module (issue 13 items 1, 2, 6): the team's queue, a review task, a child's timeline, a
household, feed uploads and the rules. Person-level pages are for the receiving organisation's safeguarding users
only (`models.SAFEGUARDING_USERS`, fetched through `restrict`: another provider's record is a 404); every view of
a person-level record is logged (core.audit.log_access). Lists show masked NHS numbers and are not logged (as the
casework lists); a record's own page shows the number and is logged. The rules page is readable by the ICB (it
assures the process, no child in it) and changed by the organisation's safeguarding users only."""

import datetime as dt

from django.core.paginator import Paginator
from django.db.models import Count, F, Q
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.views.generic import TemplateView

from core.audit import log_access
from core.choices import ALL_ROLES, JobStatus
from core.downloads import xlsx_response
from core.models import Job
from core.scoping import allowed_organisations
from core.views import ActionFormView, RoleRequiredMixin
from signals import actions, conf, exports, imports, reports
from signals.choices import Feed, Outcome, Owner, Signal, TaskStatus
from signals.forms import OutcomeForm, RuleForm, UploadForm
from signals.models import (
    SAFEGUARDING_USERS,
    Child,
    CpisFlag,
    DomesticAbuseNotification,
    FeedUpload,
    GpCode,
    Household,
    MissedAppointment,
    NotificationChild,
    ReviewTask,
    SignalRule,
    TaskEvidence,
)

PAGE_SIZE = 100


def _remote_addr(request):
    return request.META.get("REMOTE_ADDR")


def _get(model, user, pk, **related):
    try:
        return model.objects.restrict(user).select_related(*related.get("select", ())).get(pk=pk)
    except model.DoesNotExist as missing:
        raise Http404("Not found, or not yours to see.") from missing


def task_state(task, today):
    """(label, tag colour) of an open task: overdue, due today, due, or no due date."""
    if task.status != TaskStatus.OPEN:
        return "Outcome recorded", "green"
    if task.due_on is None:
        return "No due date", "grey"
    if task.due_on < today:
        return "Overdue", "red"
    if task.due_on == today:
        return "Due today", "orange"
    return "Due", "blue"


def subject_of(task):
    """The task's subject as a list shows it: the child's masked NHS number, or the household key."""
    if task.child_id:
        return task.child.masked_nhs_number
    return str(task.household)


class SafeguardingMixin(RoleRequiredMixin):
    """The organisation's safeguarding users only (403 for every other role)."""

    allowed_roles = SAFEGUARDING_USERS


class QueueView(SafeguardingMixin, TemplateView):
    """The team's open reviews, overdue and due first (then by due date; no due date last), 100 a page: a constant
    number of queries whatever the number of open tasks."""

    template_name = "signals/queue.html"

    def get_context_data(self, **kwargs):
        user, today = self.request.user, timezone.localdate()
        open_tasks = ReviewTask.objects.restrict(user).filter(status=TaskStatus.OPEN)
        signal = self.request.GET.get("signal", "")
        if signal in Signal.values:
            open_tasks = open_tasks.filter(signal=signal)
        totals = open_tasks.aggregate(
            total=Count("pk"),
            overdue=Count("pk", filter=Q(due_on__lt=today)),
            due_today=Count("pk", filter=Q(due_on=today)),
            due_week=Count("pk", filter=Q(due_on__gt=today, due_on__lte=today + dt.timedelta(days=7))),
        )
        ordered = reports.queue(user, today, signal=signal if signal in Signal.values else None)
        paginator = Paginator(ordered, PAGE_SIZE)
        paginator.count = totals["total"]  # counted above with the other figures: no second COUNT query
        page = paginator.get_page(self.request.GET.get("page"))
        rows = [(task, subject_of(task), *task_state(task, today)) for task in page.object_list]
        return super().get_context_data(
            rows=rows, page=page, totals=totals, signals=Signal.choices, signal=signal, **kwargs
        )


class TaskDetailView(SafeguardingMixin, TemplateView):
    """A review: why it was opened (the evidence, in its window), the subject, and the outcome form."""

    template_name = "signals/task.html"

    def get(self, request, *args, **kwargs):
        self.object = _get(ReviewTask, request.user, kwargs["pk"], select=("child", "household", "rule"))
        log_access(request.user, self.object, how="view", remote_addr=_remote_addr(request))
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        task, today = self.object, timezone.localdate()
        evidence = (
            TaskEvidence.objects.restrict(self.request.user)
            .filter(task=task)
            .select_related("attendance", "notification", "missed_appointment", "flag")
        )
        rows = [evidence_row(item) for item in evidence]
        rows.sort(key=lambda row: row[0])
        label, colour = task_state(task, today)
        form = kwargs.pop("form", None) or OutcomeForm(organisation=task.organisation)
        return super().get_context_data(
            task=task, evidence=rows, state=label, colour=colour, form=form, outcomes=Outcome, **kwargs
        )


def evidence_row(item):
    """(date, what, detail, added later) of one piece of a task's evidence."""
    if item.attendance_id:
        a = item.attendance
        return (
            a.arrived_at.date(),
            "Attendance",
            f"{a.get_setting_display()}, {timezone.localtime(a.arrived_at):%d %b %Y %H:%M}",
            item.added_later,
        )
    if item.notification_id:
        n = item.notification
        return (n.notified_on, "Domestic abuse notification", f"{n.get_severity_display()} risk", item.added_later)
    if item.missed_appointment_id:
        m = item.missed_appointment
        return (m.appointment_on, "Was not brought", m.service, item.added_later)
    f = item.flag
    return (f.starts_on, "CP-IS flag", f.get_kind_display(), item.added_later)


class TaskOutcomeView(SafeguardingMixin, ActionFormView):
    form_class = OutcomeForm
    page_title = "Record the outcome of the review"
    submit_label = "Record the outcome"
    success_message = "The outcome of the review was recorded."

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and request.user.role in SAFEGUARDING_USERS:
            self.object = _get(ReviewTask, request.user, kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "organisation": self.object.organisation}

    def perform(self, form):
        data = form.cleaned_data
        return actions.do_record_outcome(
            self.object,
            outcome=data["outcome"],
            notes=data.get("notes", ""),
            completed_on=data.get("completed_on"),
            referral=form.referral(),
            acting_user=self.request.user,
        )

    def get_success_url(self):
        return reverse("signals:task", args=[self.object.pk])


class ChildView(SafeguardingMixin, TemplateView):
    """A child's timeline: attendances, notifications, missed appointments, CP-IS flags, GP codes and reviews, newest
    first."""

    template_name = "signals/child.html"

    def get(self, request, *args, **kwargs):
        self.object = _get(Child, request.user, kwargs["pk"])
        log_access(request.user, self.object, how="view", remote_addr=_remote_addr(request))
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        child, user = self.object, self.request.user
        events = []
        for a in child.attendances.all():
            events.append((a.arrived_at.date(), "Attendance", a.get_setting_display(), None))
        for link in (
            NotificationChild.objects.restrict(user).filter(child=child).select_related("notification__household")
        ):
            n = link.notification
            events.append(
                (
                    n.notified_on,
                    "Domestic abuse notification",
                    f"{n.get_severity_display()} risk, age {link.age_at_notification}",
                    reverse("signals:household", args=[n.household_id]),
                )
            )
        for m in MissedAppointment.objects.restrict(user).filter(child=child):
            events.append((m.appointment_on, "Was not brought", m.service, None))
        for f in CpisFlag.objects.restrict(user).filter(child=child):
            detail = f.get_kind_display() + (f" (ended {f.ends_on:%d %b %Y})" if f.ends_on else "")
            events.append((f.starts_on, "CP-IS flag", detail, None))
        for c in GpCode.objects.restrict(user).filter(child=child):
            events.append((c.recorded_on, "GP safeguarding code", c.code, None))
        tasks = list(ReviewTask.objects.restrict(user).filter(child=child).order_by("-opened_on"))
        for t in tasks:
            events.append((t.opened_on, "Review opened", t.get_signal_display(), reverse("signals:task", args=[t.pk])))
        events.sort(key=lambda e: e[0], reverse=True)
        return super().get_context_data(child=child, events=events, tasks=tasks, **kwargs)


class HouseholdView(SafeguardingMixin, TemplateView):
    template_name = "signals/household.html"

    def get(self, request, *args, **kwargs):
        self.object = _get(Household, request.user, kwargs["pk"])
        log_access(request.user, self.object, how="view", remote_addr=_remote_addr(request))
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        household, user = self.object, self.request.user
        notifications = (
            DomesticAbuseNotification.objects.restrict(user)
            .filter(household=household)
            .prefetch_related("links__child")
            .order_by("-notified_on")
        )
        tasks = ReviewTask.objects.restrict(user).filter(household=household).order_by("-opened_on")
        return super().get_context_data(household=household, notifications=notifications, tasks=tasks, **kwargs)


def import_jobs(user):
    """The stored import jobs (core.jobs) of the organisations `user` may see: a job is not a scoped model, so it is
    matched on the organisation its payload names."""
    organisations = list(allowed_organisations(user).values_list("pk", flat=True))
    return Job.objects.filter(kind=imports.IMPORT_JOB, payload__organisation__in=organisations)


def import_job_state(job):
    """(label, tag colour) of an import job: queued, importing, imported, refused (nothing stored), failed."""
    if job.status == JobStatus.QUEUED:
        return "Queued", "grey"
    if job.status == JobStatus.RUNNING:
        return "Importing", "blue"
    if job.status == JobStatus.DONE:
        return ("Refused", "red") if "refused" in job.result else ("Imported", "green")
    return "Failed", "red"


class UploadListView(SafeguardingMixin, TemplateView):
    template_name = "signals/uploads.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        uploads = FeedUpload.objects.restrict(user).select_related("uploaded_by")[:100]
        jobs = [
            (job, Feed(job.payload["feed"]).label, *import_job_state(job))
            for job in import_jobs(user).select_related("created_by").order_by("-created_at", "-pk")[:20]
        ]
        return super().get_context_data(
            uploads=uploads,
            jobs=jobs,
            feeds=Feed.choices,
            job_rows=f"{int(conf.get('SIGNALS_IMPORT_JOB_ROWS')):,}",
            **kwargs,
        )


class UploadJobView(SafeguardingMixin, TemplateView):
    """A large extract imported by a stored job: its progress, then its result — the counts, or the import report
    of a refused file (nothing stored)."""

    template_name = "signals/upload_job.html"

    def get(self, request, *args, **kwargs):
        self.job = import_jobs(request.user).select_related("created_by").filter(pk=kwargs["pk"]).first()
        if self.job is None:
            raise Http404("Not found, or not yours to see.")
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        job = self.job
        label, colour = import_job_state(job)
        return super().get_context_data(
            job=job,
            feed=Feed(job.payload["feed"]).label,
            state=label,
            colour=colour,
            waiting=job.status in (JobStatus.QUEUED, JobStatus.RUNNING),
            problems=job.result.get("refused") if job.status == JobStatus.DONE else None,
            **kwargs,
        )


class UploadView(SafeguardingMixin, ActionFormView):
    """Upload one extract through the core's import: all or nothing; an import report names row and column."""

    form_class = UploadForm
    template_name = "signals/upload.html"
    submit_label = "Upload and check"

    def dispatch(self, request, *args, **kwargs):
        if kwargs["feed"] not in Feed.values:
            raise Http404("No such feed.")
        self.feed = Feed(kwargs["feed"])
        self.page_title = f"Upload: {self.feed.label.lower()}"
        return super().dispatch(request, *args, **kwargs)

    def perform(self, form):
        upload, user = form.cleaned_data["file"], self.request.user
        if imports.goes_to_job(upload, upload.name):  # a large file: imported by the worker, not in the request
            return imports.enqueue_import(
                organisation=user.organisation, feed=self.feed, upload=upload, name=upload.name, acting_user=user
            )
        record = imports.do_import(
            organisation=user.organisation, feed=self.feed, upload=upload, name=upload.name, acting_user=user
        )
        actions.do_evaluate(user.organisation, acting_user=user)  # the new rows may fire a rule at once
        return record

    def get_success_message(self):
        record = self.result
        if isinstance(record, Job):
            return (
                f"{record.payload['name']} is large: it is checked and imported by the worker, and the rules are "
                "then evaluated. This page shows its progress."
            )
        return (
            f"{record.file_name} was imported: {record.new_records} new record(s), {record.already_held} already "
            "held. The rules were evaluated."
        )

    def get_success_url(self):
        if isinstance(self.result, Job):
            return reverse("signals:upload-job", args=[self.result.pk])
        return reverse("signals:uploads")

    def get_context_data(self, **kwargs):
        return super().get_context_data(feed=self.feed, **kwargs)


class RulesView(RoleRequiredMixin, TemplateView):
    """Each signal's settings: the organisation's own (its safeguarding users change them), or, for the ICB, every
    provider's (read only: the ICB assures the process, it does not run it)."""

    allowed_roles = ALL_ROLES
    template_name = "signals/rules.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        mine = user.role in SAFEGUARDING_USERS
        if mine:
            actions.ensure_rules(user.organisation)
        rules = (
            SignalRule.objects.restrict(user).select_related("organisation").order_by("organisation__name", "signal")
        )
        rows = [(rule, owners_shown(rule), evaluated_shown(rule)) for rule in rules]
        return super().get_context_data(rows=rows, can_edit=mine, **kwargs)


OWNER_LABELS = dict(Owner.choices)


def owners_shown(rule):
    """The rule's owners as the page shows them; S2's by age band ("0 to 5: Health visitor, GP; ...")."""
    bands = (rule.parameters or {}).get("age_bands") if isinstance(rule.parameters, dict) else None
    if rule.signal == Signal.S2 and bands:
        return "; ".join(
            f"{band['from']} to {band['to']}: {', '.join(OWNER_LABELS.get(o, o) for o in band['owners'])}"
            for band in bands
        )
    return ", ".join(OWNER_LABELS.get(o, o) for o in rule.owners or [])


def evaluated_shown(rule):
    if rule.signal in NO_FEED:
        return "No: no feed yet (a setting only)"
    if not rule.enabled:
        return "No"
    if rule.signal == Signal.S6 and (rule.threshold is None or not rule.window_months):
        return "No: set a threshold and window"
    return "Yes"


RULE_NOTES = {
    "S1": "Three or more unscheduled care attendances or NHS 111 contacts in a rolling window open a review "
    "[DUDLEY 13.1-13.3]. The time frame is your own: blank, the review has no due date.",
    "S2": "Every child named in a police domestic abuse notification gets a review, sent to the owners of the "
    "child's age band on the notification date [DUDLEY 21.2]. A band runs from its first age up to, not including, "
    "its last: 0 to 5 is under 5, and the 5th birthday moves a child to the next band. The bands must run from 0 to "
    "18 without a gap or an overlap, each with at least one owner.",
    "S3": "More than three notifications for a household in six months (at least 4): discuss the family with the "
    "designated nurse [DUDLEY 21.10].",
    "S5": "An attendance of a child whose CP-IS flag is active that day: tell the local authority [SAAF 3.5.3].",
    "S6": "Was not brought: no source gives a number, so this rule is not evaluated until you set both a threshold "
    "and a rolling window (for example 3 missed appointments in 12 months). Set them here.",
    "S8": "A child in hospital for three months or more: the local authority is to be notified (Children Act 1989 "
    "s.85) [NEL 10.0]. Vigil receives no hospital admissions feed yet, so this rule is never evaluated and opens no "
    "review: the setting is kept for when a feed exists. Keep your own process for these children meanwhile.",
    "S9": "Private fostering: a child under 16 (18 if disabled) cared for by someone not a close relative for 28 "
    "days or more: notify children's social care [DDICB; DUDLEY 22]. Vigil receives no feed that shows private "
    "fostering, so this rule is never evaluated and opens no review: the setting is kept for when a feed exists. "
    "Keep your own process for these children meanwhile.",
    "S13": "A child coming into care: the initial health assessment is due 20 working days after the in-care flag "
    "starts [E39].",
}
NO_FEED = ("S8", "S9")  # settings only: no data reaches Vigil for these signals


class RuleEditView(SafeguardingMixin, ActionFormView):
    form_class = RuleForm
    template_name = "signals/rule_edit.html"
    submit_label = "Save the rule"
    edits_object_children = True  # a plain form over the rule: its version guards the save (no lost update)

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and request.user.role in SAFEGUARDING_USERS:
            try:
                self.object = SignalRule.objects.restrict(request.user, "change").get(pk=kwargs["pk"])
            except SignalRule.DoesNotExist as missing:
                raise Http404("Not found, or not yours to change.") from missing
            self.page_title = f"Change the rule: {self.object.get_signal_display()}"
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "rule": self.object}

    def get_initial(self):
        return RuleForm.initial_for(self.object)

    def perform(self, form):
        return actions.do_update_rule(self.object, acting_user=self.request.user, **form.changes())

    def get_success_message(self):
        return "The rule was saved. It applies from the next evaluation."

    def get_success_url(self):
        return reverse("signals:rules")

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            rule=self.object,
            note=RULE_NOTES.get(self.object.signal, ""),
            no_feed=self.object.signal in NO_FEED,
            **kwargs,
        )


class TasksExportView(SafeguardingMixin, TemplateView):
    """The team's review tasks as XLSX (core.spreadsheets): the organisation's own team only; each row logged."""

    def get(self, request, *args, **kwargs):
        tasks = (
            ReviewTask.objects.restrict(request.user)
            .select_related("child", "household")
            .order_by(F("due_on").asc(nulls_last=True), "pk")
        )
        content = exports.tasks_workbook(tasks, request.user)
        return xlsx_response(content, f"review-tasks-{timezone.localdate():%Y-%m-%d}.xlsx")

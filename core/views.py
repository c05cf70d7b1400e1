from auditlog.models import LogEntry
from django import forms
from django.contrib.auth import views as auth_views
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import DatabaseError, IntegrityError, connection
from django.db.models import Q
from django.http import Http404, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.views.generic import FormView, TemplateView

from core import actions
from core.audit import NEWEST_FIRST, entries_for_icb, history_for, log_sign_in, mark_unreadable, unreadable_entries
from core.banners import SuccessBannerMixin
from core.choices import ICB_ROLES, OPEN_STATUSES, ActionStatus, Role
from core.conflicts import CONFLICT_MESSAGE, is_unique_violation
from core.filters import TrackedActionFilter
from core.forms import (
    ActionEvidenceForm,
    ActionNoteForm,
    ActionReopenForm,
    AuditSearchForm,
    ClosureDayForm,
    StandaloneActionForm,
    refuse_stale,
)
from core.models import ACTION_VERIFIERS, STANDALONE_ACTION_ROLES, ClosureDay, TrackedAction
from core.scoping import CHANGE, VIEW, allowed_organisations, can
from core.sso import sso_enabled
from core.versioning import StaleEdit, guarded


def healthz(request):
    """200 when the database answers, 503 when it does not (for load balancers and uptime checks)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "unavailable", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


class SignInView(auth_views.LoginView):
    template_name = "registration/login.html"
    redirect_authenticated_user = True

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        for field in form.fields.values():
            field.widget.attrs["class"] = "nhsuk-input"
        return form

    def get_context_data(self, **kwargs):
        from core.demo import DEMO_PASSWORD, DEMO_TOTP_KEY, demo_logins

        return super().get_context_data(
            sso_enabled=sso_enabled(),
            demo_logins=demo_logins(),
            demo_password=DEMO_PASSWORD,
            demo_key=DEMO_TOTP_KEY,
            **kwargs,
        )

    def form_valid(self, form):
        response = super().form_valid(form)  # the second factor, when owed, is asked next (core.second_factor)
        log_sign_in(self.request, form.get_user(), "password")
        return response


class RoleRequiredMixin(LoginRequiredMixin):
    """Only users holding one of `allowed_roles` may open the page (403 otherwise)."""

    allowed_roles = frozenset()

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and request.user.role not in self.allowed_roles:
            raise PermissionDenied("Your role cannot open this page.")
        return super().dispatch(request, *args, **kwargs)


class ScopedObjectMixin(LoginRequiredMixin):
    """Fetch `self.object` through the one scoping filter.

    A record the user may not see is a 404 (its existence is not revealed); one they may see
    but not change, on a page that changes it (`scope_action = CHANGE`), is a 403.
    """

    model = None
    scope_action = VIEW
    select_related = ()

    def get_object(self):
        user = self.request.user
        queryset = self.model.objects.restrict(user, VIEW).select_related(*self.select_related)
        try:
            obj = queryset.get(pk=self.kwargs["pk"])
        except self.model.DoesNotExist as missing:
            raise Http404("Not found, or not yours to see.") from missing
        if self.scope_action == CHANGE and not self.model.objects.restrict(user, CHANGE).filter(pk=obj.pk).exists():
            raise PermissionDenied("You can see this record but not change it.")
        return obj

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.object = self.get_object()
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(object=self.object, **kwargs)


class ActionFormView(SuccessBannerMixin, FormView):
    """A form page whose valid submission calls one action; action errors land on the form.

    Subclasses define `perform(form)`, which calls the action and returns its result. An edit form
    of a versioned record (see core.forms.VersionedFormMixin) is saved only if nobody saved the
    record since the form was opened; `edits_object_children = True` guards `self.object` for a
    form that changes its children (a return's figures, an assessment's answers).
    """

    template_name = "core/form_page.html"
    submit_label = "Save"
    page_title = ""
    edits_object_children = False

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        return {**kwargs, "version_of": self.object} if self.edits_object_children else kwargs

    def form_valid(self, form):
        record, expected = getattr(form, "versioned", None), getattr(form, "expected_version", None)
        try:
            self.result = guarded(record, expected, lambda: self.perform(form))
        except StaleEdit as stale:
            refuse_stale(form, stale)
            return self.form_invalid(form)
        except ValidationError as error:
            form.apply_action_error(error)
            return self.form_invalid(form)
        except IntegrityError as error:
            if not is_unique_violation(error):
                raise
            form.add_error(None, CONFLICT_MESSAGE)
            return self.form_invalid(form)
        response = redirect(self.get_success_url())
        self.announce_success()  # after get_success_url, which may itself say where the record went
        return response

    def get_context_data(self, **kwargs):
        return super().get_context_data(submit_label=self.submit_label, page_title=self.page_title, **kwargs)


class GlossaryView(TemplateView):
    """Every acronym and term, expanded (core/glossary.py); open without signing in, as the footer links it from
    every page, the sign-in page included."""

    template_name = "core/glossary.html"

    def get_context_data(self, **kwargs):
        from core.glossary import TERMS

        return super().get_context_data(terms=sorted(TERMS, key=lambda term: term.short.lower()), **kwargs)


class HomeView(LoginRequiredMixin, TemplateView):
    template_name = "core/home.html"

    def get_context_data(self, **kwargs):
        from core.home import panels_for

        return super().get_context_data(panels=panels_for(self.request.user), **kwargs)


class ClosureDaysView(RoleRequiredMixin, ActionFormView):
    allowed_roles = frozenset({Role.DESIGNATED, Role.ADMINISTRATOR})
    form_class = ClosureDayForm
    template_name = "core/closure_days.html"
    submit_label = "Add closure day"

    def perform(self, form):
        return actions.do_add_closure_day(
            icb=self.request.user.organisation.icb, acting_user=self.request.user, **form.cleaned_data
        )

    def get_success_url(self):
        return reverse("closure-days")

    def get_context_data(self, **kwargs):
        closures = ClosureDay.objects.filter(icb_id=self.request.user.organisation.icb_id)
        return super().get_context_data(closures=closures, **kwargs)


class AuditLogView(RoleRequiredMixin, TemplateView):
    """The auditor's search over every change and every logged view of a restricted record."""

    allowed_roles = frozenset({Role.AUDITOR})
    template_name = "core/audit_log.html"

    def get_context_data(self, **kwargs):
        params = self.request.GET
        form = AuditSearchForm(params, LogEntry.Action.choices)
        criteria = form.criteria()
        entries = self.entries_in_scope()
        if text := criteria.get("q", "").strip():  # never matched against content the auditor may not read
            entries = entries.exclude(unreadable_entries(self.request.user))
            entries = entries.filter(Q(object_repr__icontains=text) | Q(changes_text__icontains=text))
        if actor := criteria.get("actor", "").strip():
            entries = entries.filter(actor__username__iexact=actor)
        if "action" in criteria:
            entries = entries.filter(action=criteria["action"])
        if record := criteria.get("record", "").strip():
            entries = entries.filter(content_type__model=record.lower())
        if "date_from" in criteria:
            entries = entries.filter(timestamp__date__gte=criteria["date_from"])
        if "date_to" in criteria:
            entries = entries.filter(timestamp__date__lte=criteria["date_to"])
        page = Paginator(entries, 50).get_page(params.get("page"))
        page.object_list = mark_unreadable(page.object_list, self.request.user)
        return super().get_context_data(page=page, form=form, actions=LogEntry.Action.choices, params=params, **kwargs)

    def entries_in_scope(self):
        return (
            entries_for_icb(self.request.user.organisation.icb_id)
            .select_related("actor", "content_type")
            .order_by(*NEWEST_FIRST)
        )


# The action tracker: every module's actions, one list, one overdue page, one detail page.


class ActionListView(LoginRequiredMixin, TemplateView):
    template_name = "core/action_list.html"
    title = "Actions"

    def base_queryset(self):
        return TrackedAction.objects.restrict(self.request.user).filter(archived_at__isnull=True)

    def get_context_data(self, **kwargs):
        queryset = self.base_queryset().select_related("organisation")
        filterset = TrackedActionFilter(self.request.GET or None, queryset=queryset, request=self.request)
        return super().get_context_data(
            filter=filterset,
            actions=filterset.qs,
            today=timezone.localdate(),
            title=self.title,
            can_add=self.request.user.role in STANDALONE_ACTION_ROLES,
            **kwargs,
        )


class OverdueActionsView(RoleRequiredMixin, ActionListView):
    """The ICB's page of everything overdue."""

    allowed_roles = ICB_ROLES
    title = "Overdue actions"

    def base_queryset(self):
        return super().base_queryset().overdue(timezone.localdate())


class ActionDetailView(ScopedObjectMixin, TemplateView):
    model = TrackedAction
    select_related = ("organisation", "verified_by", "created_by")
    template_name = "core/action_detail.html"

    def get_context_data(self, **kwargs):
        user, action = self.request.user, self.object
        can_edit = can(user, TrackedAction, CHANGE, action.organisation)
        return super().get_context_data(
            updates=action.updates.select_related("author"),
            history=history_for(action)[:30],
            can_note=can_edit and action.status != ActionStatus.VERIFIED,
            can_complete=can_edit and action.status in OPEN_STATUSES,
            can_verify=user.role in ACTION_VERIFIERS and action.status == ActionStatus.COMPLETED,
            note_form=ActionNoteForm(),
            evidence_form=ActionEvidenceForm(),
            reopen_form=ActionReopenForm(),
            **kwargs,
        )


class ActionStepView(ScopedObjectMixin, ActionFormView):
    """One step on an action (note, complete, verify, reopen): a form that calls one action."""

    model = TrackedAction
    scope_action = CHANGE
    select_related = ("organisation",)
    template_name = "core/form_page.html"

    def get_success_url(self):
        return reverse("action-detail", args=[self.object.pk])


class ActionNoteView(ActionStepView):
    form_class = ActionNoteForm
    submit_label = "Add note"
    page_title = "Add a progress note"

    def perform(self, form):
        return actions.do_record_progress(self.object, acting_user=self.request.user, **form.cleaned_data)


class ActionCompleteView(ActionStepView):
    form_class = ActionEvidenceForm
    submit_label = "Mark complete"
    page_title = "Mark the action complete"

    def perform(self, form):
        return actions.do_complete_action(self.object, acting_user=self.request.user, **form.cleaned_data)


class ActionVerifyView(RoleRequiredMixin, ActionStepView):
    allowed_roles = ACTION_VERIFIERS
    form_class = forms.Form
    submit_label = "Verify and close"
    page_title = "Verify the evidence and close the action"

    def perform(self, form):
        return actions.do_verify_action(self.object, acting_user=self.request.user)


class ActionReopenView(RoleRequiredMixin, ActionStepView):
    allowed_roles = ACTION_VERIFIERS
    form_class = ActionReopenForm
    submit_label = "Return to the provider"
    page_title = "The evidence is not enough"

    def perform(self, form):
        return actions.do_reopen_action(self.object, acting_user=self.request.user, **form.cleaned_data)


class StandaloneActionCreateView(RoleRequiredMixin, ActionFormView):
    allowed_roles = STANDALONE_ACTION_ROLES
    form_class = StandaloneActionForm
    page_title = "Add an action from a visit or other occasion"
    submit_label = "Add action"

    def get_form_kwargs(self):
        organisations = allowed_organisations(self.request.user).filter(archived_at__isnull=True)
        return {**super().get_form_kwargs(), "organisations": organisations}

    def get_context_data(self, **kwargs):
        return super().get_context_data(inspections_url=reverse("assurance:inspections"), **kwargs)

    def perform(self, form):
        return actions.do_create_standalone_action(acting_user=self.request.user, **form.cleaned_data)

    def get_success_url(self):
        return reverse("action-detail", args=[self.result.pk])

"""Every change of state in standards assurance: atomic, audited, with the acting user."""

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.utils import timezone

from assurance import conf, rules
from assurance.choices import (
    EDITABLE_STATUSES,
    AssessmentStatus,
    CommentKind,
    EvidenceKind,
    Rating,
    ReviewDecision,
)
from assurance.models import (
    CYCLE_MANAGERS,
    INSPECTION_EDITORS,
    REVIEWERS,
    Assessment,
    ChildrenInCareSpecification,
    CqcRegistration,
    Cycle,
    Evidence,
    FundingPanelAssurance,
    Inspection,
    RegulatoryNotice,
    Requirement,
    Response,
    ReviewComment,
)
from core import rules as core_rules
from core.actions import audited, do_archive, do_carry_over_action, do_create_tracked_action, save_fields
from core.choices import Role
from core.models import TrackedAction
from core.uploads import DISPLAY_NAME_LENGTH, shorten_name, stored_name, uploaded_file_problem


def may_complete(user, assessment):
    """Who fills in an assessment: the assessed provider's users; for the ICB's own
    self-assessment, its designated professionals and safeguarding administrators."""
    if user is None:
        return True  # demo data and data migrations
    organisation = assessment.organisation
    if user.role == Role.PROVIDER:
        return user.organisation_id in (organisation.pk, organisation.parent_id)
    return user.role in {Role.DESIGNATED, Role.ADMINISTRATOR} and organisation.pk == user.organisation_id


def _check_completer(user, assessment):
    if not may_complete(user, assessment):
        raise PermissionDenied("Only the assessed organisation completes its self-assessment.")


def _check_editable(assessment):
    if assessment.cycle.closed_at is not None:
        raise ValidationError({"status": "This assessment's cycle is closed: it cannot be changed now."})
    if assessment.status not in EDITABLE_STATUSES:
        label = AssessmentStatus(assessment.status).label.lower()
        raise ValidationError({"status": f"This assessment is {label}: it cannot be changed now."})


def _check_reviewer(user):
    if user is not None and user.role not in REVIEWERS:
        raise PermissionDenied("Only a designated professional reviews and signs off assessments.")


# Cycles


def do_open_cycle(*, icb, framework, period_label, due_date, organisations, acting_user, roll_forward_from=None):
    """Open a cycle and give each organisation an assessment with the requirements for its kind. With
    `roll_forward_from` (an earlier cycle of the same framework), each organisation's answers and evidence of that
    cycle are its starting point and its open actions move across (see `_roll_forward`)."""
    errors = {}
    if roll_forward_from is not None and (
        roll_forward_from.icb_id != icb.pk or roll_forward_from.framework.key != framework.key
    ):
        errors["roll_forward_from"] = "Roll forward from an earlier cycle of the same framework in this ICB."
    if problem := rules.cycle_due_date_problem(due_date, timezone.localdate()):
        errors["due_date"] = problem
    if not (period_label or "").strip():
        errors["period_label"] = "Enter the period, for example 2026/27."
    organisations = list(organisations)
    if not organisations:
        errors["organisations"] = "Choose at least one organisation."
    outside = [o.name for o in organisations if o.icb_id != icb.pk]
    if outside:
        errors["organisations"] = f"Not in this ICB: {', '.join(outside)}."
    all_requirements = list(Requirement.objects.filter(framework=framework).select_related("section"))
    plans = {
        o.pk: [r for r in all_requirements if rules.applies_to(r.applies_to, framework.applies_to, o.kind)]
        for o in organisations
    }
    empty = [o.name for o in organisations if not plans[o.pk]]
    if empty and "organisations" not in errors:
        errors["organisations"] = f"No requirement of this framework applies to: {', '.join(empty)}."
    if errors:
        raise ValidationError(errors)
    with audited(acting_user):
        cycle = Cycle(
            icb=icb,
            framework=framework,
            period_label=period_label.strip(),
            due_date=due_date,
            opened_by=acting_user,
            rolled_from=roll_forward_from,
        )
        cycle.full_clean()
        cycle.save()
        for organisation in organisations:
            assessment = Assessment.objects.create(cycle=cycle, organisation=organisation)
            Response.objects.bulk_create(
                [Response(assessment=assessment, requirement=requirement) for requirement in plans[organisation.pk]]
            )
        if roll_forward_from is not None:
            _roll_forward(cycle, roll_forward_from, acting_user=acting_user)
    return cycle


def _roll_forward(cycle, previous, *, acting_user):
    """Each organisation's answers of `previous` (matched by requirement code) become the starting point of its
    new answers, marked as carried; its evidence (files and links) is listed again; its open actions move to the
    new answer with a note. Nothing is submitted for the organisation: the assessment stays not started."""
    old = {
        (r.assessment.organisation_id, r.requirement.code): r
        for r in Response.objects.filter(assessment__cycle=previous).select_related("assessment", "requirement")
    }
    new = Response.objects.filter(assessment__cycle=cycle).select_related("assessment", "requirement")
    pairs = [(r, old[key]) for r in new if (key := (r.assessment.organisation_id, r.requirement.code)) in old]
    with audited(acting_user):  # one save per answer and per file, so each is in the audit trail
        for response, earlier in pairs:
            response.rating, response.na_reason = earlier.rating, earlier.na_reason
            response.narrative, response.carried_from = earlier.narrative, earlier
            response.save(update_fields=["rating", "na_reason", "narrative", "carried_from"])
        by_old = {earlier.pk: response for response, earlier in pairs}
        _copy_evidence(by_old)
        note = f"Carried over from the {previous.period_label} cycle to {cycle.period_label}."
        for action in TrackedAction.objects.open().filter(
            source_type=ContentType.objects.get_for_model(Response), source_id__in=list(by_old)
        ):
            do_carry_over_action(action, to_source=by_old[action.source_id], note=note, acting_user=acting_user)


def _copy_evidence(by_old):
    """List last cycle's files and links again on the new answers (the same stored file; who added it is kept)."""
    fields = ["kind", "file", "original_name", "size", "content_type", "url", "description", "added_by_id"]
    for evidence in Evidence.objects.filter(response_id__in=list(by_old), archived_at__isnull=True):
        Evidence.objects.create(response=by_old[evidence.response_id], **{f: getattr(evidence, f) for f in fields})


def do_close_cycle(cycle, *, reason="", acting_user):
    """Close a cycle: it leaves the open cycles and the roll-up keeps its results. Closing before every assessment
    is signed off needs a reason (the unsigned ones stay as they are)."""
    if acting_user is not None and acting_user.role not in CYCLE_MANAGERS:
        raise PermissionDenied("Only the ICB safeguarding team closes cycles.")
    if cycle.closed_at is not None:
        raise ValidationError({"cycle": "This cycle is already closed."})
    unsigned = cycle.assessments.exclude(status=AssessmentStatus.SIGNED_OFF).count()
    if unsigned and not (reason or "").strip():
        raise ValidationError(
            {"reason": f"{unsigned} assessment(s) are not signed off: say why the cycle closes without them."}
        )
    fields = {"closed_at": timezone.now(), "closed_by": acting_user, "close_reason": (reason or "").strip()}
    return save_fields(cycle, fields, acting_user=acting_user)


def do_archive_cycle(cycle, *, acting_user):
    return do_archive(cycle, acting_user=acting_user)


# Completing an assessment


def _start(assessment, acting_user):
    if assessment.status == AssessmentStatus.NOT_STARTED:
        save_fields(assessment, {"status": AssessmentStatus.IN_PROGRESS}, acting_user=acting_user)


def do_save_response(response, *, acting_user, **fields):
    """Save a draft answer (rating, N/A reason, narrative). Rules are checked on submission."""
    assessment = response.assessment
    _check_completer(acting_user, assessment)
    _check_editable(assessment)
    allowed = {"rating", "na_reason", "narrative"}
    unknown = set(fields) - allowed
    if unknown:
        raise ValidationError(dict.fromkeys(unknown, "This field cannot be changed here."))
    if fields.get("rating") and fields["rating"] not in Rating.values:
        raise ValidationError({"rating": "Choose fully met, partially met, not met or not applicable."})
    with audited(acting_user):
        _start(assessment, acting_user)
        changed = {k: (v or "").strip() if k != "rating" else (v or "") for k, v in fields.items()}
        changed = {k: v for k, v in changed.items() if getattr(response, k) != v}
        if changed:
            save_fields(response, changed, acting_user=acting_user)
    return response


def do_save_responses(assessment, answers, *, acting_user):
    """Save several drafts at once (a section form, an import): {response: {field: value}}."""
    with audited(acting_user):
        for response, fields in answers.items():
            if response.assessment_id != assessment.pk:
                raise ValidationError({"requirement": "This requirement is not part of the assessment."})
            response.assessment = assessment
            do_save_response(response, acting_user=acting_user, **fields)
        assessment.touch()  # a new version of the assessment: a section form opened before is now stale
    return assessment


def do_add_shortfall_action(response, *, title, owner, due_date, success_measure, acting_user):
    """A SMART action for a shortfall: a TrackedAction whose source is the response."""
    assessment = response.assessment
    _check_completer(acting_user, assessment)
    _check_editable(assessment)
    with audited(acting_user):
        _start(assessment, acting_user)
        return do_create_tracked_action(
            source=response,
            organisation=assessment.organisation,
            title=title or "",
            owner=owner or "",
            due_date=due_date,
            success_measure=success_measure or "",
            source_label=f"{assessment.cycle.framework.name} {assessment.cycle.period_label}: "
            f"{response.requirement.code}",
            acting_user=acting_user,
        )


def do_add_evidence_file(response, *, upload, description="", acting_user):
    assessment = response.assessment
    _check_completer(acting_user, assessment)
    _check_editable(assessment)
    problem = uploaded_file_problem(
        upload,
        max_bytes=conf.get("ASSURANCE_EVIDENCE_MAX_BYTES"),
        extensions=conf.get("ASSURANCE_EVIDENCE_EXTENSIONS"),
    )
    if problem:
        raise ValidationError({"upload": problem})
    with audited(acting_user):
        _start(assessment, acting_user)
        evidence = Evidence(
            response=response,
            kind=EvidenceKind.FILE,
            original_name=shorten_name(upload.name, DISPLAY_NAME_LENGTH),
            size=upload.size,
            content_type=(getattr(upload, "content_type", "") or "")[:100],
            description=(description or "").strip(),
            added_by=acting_user,
        )
        evidence.file.save(stored_name(upload.name), upload, save=False)
        evidence.save()
    return evidence


def do_add_evidence_link(response, *, url, description="", acting_user):
    assessment = response.assessment
    _check_completer(acting_user, assessment)
    _check_editable(assessment)
    with audited(acting_user):
        _start(assessment, acting_user)
        evidence = Evidence(
            response=response,
            kind=EvidenceKind.LINK,
            url=(url or "").strip(),
            description=(description or "").strip(),
            added_by=acting_user,
        )
        if not evidence.url:
            raise ValidationError({"url": "Enter the link to the evidence."})
        evidence.full_clean()
        evidence.save()
    return evidence


def do_archive_evidence(evidence, *, acting_user):
    assessment = evidence.response.assessment
    _check_completer(acting_user, assessment)
    _check_editable(assessment)
    return do_archive(evidence, acting_user=acting_user)


def action_counts(assessment):
    """{response id: number of (not archived) SMART actions} in one query."""
    from django.contrib.contenttypes.models import ContentType

    rows = (
        TrackedAction.objects.filter(
            source_type=ContentType.objects.get_for_model(Response),
            source_id__in=assessment.responses.values("pk"),
            archived_at__isnull=True,
        )
        .values("source_id")
        .annotate(n=Count("pk"))
    )
    return {row["source_id"]: row["n"] for row in rows}


def submission_problems(assessment):
    counts = action_counts(assessment)
    responses = assessment.responses.select_related("requirement")
    return rules.submission_problems(
        (r.requirement.code, r.rating, r.na_reason, counts.get(r.pk, 0)) for r in responses
    )


def do_submit_assessment(assessment, *, acting_user):
    """Submit for review; refused (nothing saved) while any answer breaks the submission rules."""
    _check_completer(acting_user, assessment)
    _check_editable(assessment)
    if problems := submission_problems(assessment):
        raise ValidationError(problems)
    with audited(acting_user):
        # On resubmission, challenged answers go back to the reviewer; accepted ones stay accepted.
        for response in assessment.responses.filter(review_decision=ReviewDecision.CHALLENGED):
            save_fields(response, {"review_decision": ""}, acting_user=acting_user)
        save_fields(
            assessment,
            {"status": AssessmentStatus.SUBMITTED, "submitted_at": timezone.now()},
            acting_user=acting_user,
        )
    return assessment


# Review and sign-off


def do_review(assessment, decisions, *, acting_user, accept_rest=False, smart_actions=None):
    """decisions: {response: (decision, comment)}. A challenge needs a comment and returns the
    assessment to the provider once the decisions are recorded; the thread is kept.

    `accept_rest`: every requirement still without a decision (and not decided here) is accepted too, in the same
    transaction ("accept all remaining requirements"). `smart_actions`: {response: {title, owner, due_date,
    success_measure}}, a SMART action the reviewer raises beside a decision, checked by the tracker's one SMART rule."""
    _check_reviewer(acting_user)
    if assessment.status != AssessmentStatus.SUBMITTED:
        raise ValidationError({"status": "Only a submitted assessment can be reviewed."})
    decisions = dict(decisions)
    smart_actions = smart_actions or {}
    if accept_rest:
        for response in assessment.responses.filter(review_decision="").select_related("requirement"):
            decisions.setdefault(response, (ReviewDecision.ACCEPTED, ""))
    errors = {}
    for response, (decision, comment) in decisions.items():
        code = response.requirement.code
        if response.assessment_id != assessment.pk:
            errors[code] = "This requirement is not part of the assessment."
        elif decision not in ReviewDecision.values:
            errors[code] = "Choose accept or challenge."
        elif decision == ReviewDecision.CHALLENGED and not (comment or "").strip():
            errors[code] = "Say what the provider must add or change."
    for response, smart in smart_actions.items():
        code = response.requirement.code
        if response not in decisions:
            errors.setdefault(code, "Choose accept or challenge for the requirement the action is for.")
        problems = core_rules.smart_action_problems(**smart, today=timezone.localdate())
        if problems:
            errors.setdefault(code, "The SMART action: " + " ".join(problems.values()))
    if errors:
        raise ValidationError(errors)
    with audited(acting_user):
        for response, (decision, comment) in decisions.items():
            if response.review_decision != decision:
                save_fields(response, {"review_decision": decision}, acting_user=acting_user)
            ReviewComment.objects.create(
                response=response, kind=decision, text=(comment or "").strip(), author=acting_user
            )
        for response, smart in smart_actions.items():
            do_create_tracked_action(
                source=response,
                organisation=assessment.organisation,
                source_label=f"{assessment.cycle.framework.name} {assessment.cycle.period_label}: "
                f"{response.requirement.code}",
                acting_user=acting_user,
                **smart,
            )
        if any(decision == ReviewDecision.CHALLENGED for decision, _ in decisions.values()):
            save_fields(assessment, {"status": AssessmentStatus.RETURNED}, acting_user=acting_user)
    return assessment


def do_answer_challenge(response, *, text, acting_user):
    """The provider's answer to a challenge, kept in the response's thread."""
    _check_completer(acting_user, response.assessment)
    if not (text or "").strip():
        raise ValidationError({"text": "Write your answer to the challenge."})
    with audited(acting_user):
        return ReviewComment.objects.create(
            response=response, kind=CommentKind.REPLY, text=text.strip(), author=acting_user
        )


def sign_off_problem(assessment):
    if assessment.status != AssessmentStatus.SUBMITTED:
        return "Only a submitted assessment can be signed off."
    pending = [
        r.requirement.code
        for r in assessment.responses.select_related("requirement")
        if r.review_decision != ReviewDecision.ACCEPTED
    ]
    if pending:
        return f"Accept every requirement before signing off (not yet accepted: {', '.join(pending)})."
    return None


def do_sign_off(assessment, *, acting_user):
    _check_reviewer(acting_user)
    if problem := sign_off_problem(assessment):
        raise ValidationError({"status": problem})
    return save_fields(
        assessment,
        {"status": AssessmentStatus.SIGNED_OFF, "signed_off_at": timezone.now(), "signed_off_by": acting_user},
        acting_user=acting_user,
    )


# --- The ICB's own duties ---------------------------------------------------------------------


def _icb_record(model, acting_user, icb, fields):
    icb = icb or acting_user.organisation.icb
    with audited(acting_user):
        record = model(icb=icb, **fields)
        record.full_clean()
        record.save()
    return record


def _update_icb_record(record, fields, acting_user):
    if record.archived_at:
        raise ValidationError("This record is archived and cannot be changed.")
    return save_fields(record, fields, acting_user=acting_user)


def _check_specification(fields, current=None):
    merged = {**(current or {}), **fields}
    if merged.get("review_date") is None:
        raise ValidationError({"review_date": "Enter the date the specification is next reviewed."})
    approved = merged.get("approved_on")
    if approved is not None and approved > timezone.localdate():
        raise ValidationError({"approved_on": "The date approved cannot be in the future."})
    if approved is not None and merged["review_date"] < approved:
        raise ValidationError({"review_date": "Enter a review date on or after the date approved."})


def do_archive_icb_record(record, *, acting_user):
    return do_archive(record, acting_user=acting_user)


def do_add_cic_specification(*, acting_user, icb=None, **fields):
    """Record the ICB's children-in-care health service specification [DDICB Looked after Children]."""
    _check_specification(fields)
    return _icb_record(ChildrenInCareSpecification, acting_user, icb, fields)


def do_update_cic_specification(specification, *, acting_user, **fields):
    _check_specification(fields, {"review_date": specification.review_date, "approved_on": specification.approved_on})
    return _update_icb_record(specification, fields, acting_user)


def _check_funding_panel(fields, current=None):
    merged = {**(current or {}), **fields}
    assured = merged.get("assured_on")
    if assured is not None and assured > timezone.localdate():
        raise ValidationError({"assured_on": "The date assured cannot be in the future."})
    if merged.get("mca_compliant") and not (merged.get("evidence") or "").strip():
        raise ValidationError({"evidence": "Say where the panel's compliance with the Mental Capacity Act is shown."})


def do_add_funding_panel(*, acting_user, icb=None, **fields):
    """Record whether one of the ICB's funding panels is documented as MCA-compliant [DDICB Chief Executive
    Officer]. A panel that is not ("no") is recorded too: it shows as a gap."""
    _check_funding_panel(fields)
    return _icb_record(FundingPanelAssurance, acting_user, icb, fields)


def do_update_funding_panel(record, *, acting_user, **fields):
    _check_funding_panel(fields, {"mca_compliant": record.mca_compliant, "evidence": record.evidence})
    return _update_icb_record(record, fields, acting_user)


def _check_inspection_editor(user):
    if user is not None and user.role not in INSPECTION_EDITORS:
        raise PermissionDenied("Only the ICB safeguarding team keeps the inspection register.")


def _check_live(instance):
    if getattr(instance, "archived_at", None) is not None:
        raise ValidationError("This record is archived and cannot be changed.")


def _check_icb(organisation, acting_user, field):
    if acting_user is not None and organisation is not None and organisation.icb_id != acting_user.organisation.icb_id:
        raise ValidationError({field: "This organisation is not in your ICB."})


def _save_record(instance, fields, acting_user, problems):
    if problems:
        raise ValidationError(problems)
    with audited(acting_user):
        for name, value in fields.items():
            setattr(instance, name, value)
        instance.full_clean()
        if instance.pk is None:
            instance.save()
        else:
            instance.save(update_fields=list(fields) or None)
    return instance


REGISTRATION_FIELDS = ("registration_id", "registered_on", "current_rating", "rated_on", "conditions", "icb_told_on")


def _registration_problems(values):
    today = timezone.localdate()
    problems = rules.not_in_future_problems(
        [(name, values.get(name)) for name in ("registered_on", "rated_on", "icb_told_on")], today
    )
    if not (values.get("registration_id") or "").strip():
        problems["registration_id"] = "Enter the CQC provider ID."
    order = rules.date_order_problems(
        [("registered_on", "registration date", values.get("registered_on")), ("rated_on", "", values.get("rated_on"))]
    )
    return {**order, **problems}


def do_record_registration(*, provider, acting_user, **fields):
    """Record a provider's CQC registration (one live record per provider) [NEL 15.0; SAAF 6.4]."""
    _check_inspection_editor(acting_user)
    _check_icb(provider, acting_user, "provider")
    unknown = set(fields) - set(REGISTRATION_FIELDS)
    if unknown:
        raise ValidationError(dict.fromkeys(unknown, "This field cannot be set here."))
    problems = _registration_problems(fields)
    if provider is not None and not provider.is_provider:
        problems["provider"] = "Choose a provider: only providers of health and care services register with the CQC."
    elif provider is not None and CqcRegistration.objects.filter(provider=provider, archived_at=None).exists():
        problems["provider"] = "This provider's registration is already recorded: change it instead."
    fields = {k: (v.strip() if isinstance(v, str) else v) for k, v in fields.items()}
    return _save_record(CqcRegistration(provider=provider), fields, acting_user, problems)


def do_update_registration(registration, *, acting_user, **fields):
    _check_inspection_editor(acting_user)
    _check_live(registration)
    unknown = set(fields) - set(REGISTRATION_FIELDS)
    if unknown:
        raise ValidationError(dict.fromkeys(unknown, "This field cannot be changed here."))
    merged = {name: getattr(registration, name) for name in REGISTRATION_FIELDS} | fields
    return _save_record(registration, fields, acting_user, _registration_problems(merged))


INSPECTION_FIELDS = (
    "body",
    "kind",
    "title",
    "started_on",
    "ended_on",
    "published_on",
    "rating",
    "findings",
    "investigation",
    "designated_informed_on",
    "icb_told_on",
)


def _inspection_problems(values):
    today = timezone.localdate()
    problems = {}
    if not (values.get("title") or "").strip():
        problems["title"] = "Say what the inspection or review is."
    if values.get("started_on") is None:
        problems["started_on"] = "Enter the date it started."
    problems |= rules.date_order_problems(
        [
            ("started_on", "start date", values.get("started_on")),
            ("ended_on", "end date", values.get("ended_on")),
            ("published_on", "", values.get("published_on")),
        ]
    )
    problems |= rules.not_in_future_problems(
        [(name, values.get(name)) for name in ("started_on", "published_on", "designated_informed_on", "icb_told_on")],
        today,
    )
    problems |= rules.investigation_problems(values.get("investigation"), values.get("designated_informed_on"))
    return problems


def do_record_inspection(*, organisation, acting_user, **fields):
    """Add an inspection or review to the register [DUDLEY 19.1-19.4; SAAF 6.2]."""
    _check_inspection_editor(acting_user)
    _check_icb(organisation, acting_user, "organisation")
    unknown = set(fields) - set(INSPECTION_FIELDS)
    if unknown:
        raise ValidationError(dict.fromkeys(unknown, "This field cannot be set here."))
    fields = {k: (v.strip() if isinstance(v, str) else v) for k, v in fields.items()}
    inspection = Inspection(organisation=organisation, created_by=acting_user)
    return _save_record(inspection, fields, acting_user, _inspection_problems(fields))


def do_update_inspection(inspection, *, acting_user, **fields):
    _check_inspection_editor(acting_user)
    _check_live(inspection)
    unknown = set(fields) - set(INSPECTION_FIELDS)
    if unknown:
        raise ValidationError(dict.fromkeys(unknown, "This field cannot be changed here."))
    fields = {k: (v.strip() if isinstance(v, str) else v) for k, v in fields.items()}
    merged = {name: getattr(inspection, name) for name in INSPECTION_FIELDS} | fields
    return _save_record(inspection, fields, acting_user, _inspection_problems(merged))


NOTICE_FIELDS = ("kind", "issued_on", "summary", "icb_told_on", "lifted_on", "inspection")


def _notice_problems(provider, values):
    today = timezone.localdate()
    problems = {}
    if not (values.get("summary") or "").strip():
        problems["summary"] = "Say what the regulator requires."
    if values.get("issued_on") is None:
        problems["issued_on"] = "Enter the date it was issued."
    problems |= rules.date_order_problems(
        [("issued_on", "date it was issued", values.get("issued_on")), ("icb_told_on", "", values.get("icb_told_on"))]
    )
    problems |= rules.date_order_problems(
        [("issued_on", "date it was issued", values.get("issued_on")), ("lifted_on", "", values.get("lifted_on"))]
    )
    problems |= rules.not_in_future_problems(
        [(name, values.get(name)) for name in ("issued_on", "icb_told_on", "lifted_on")], today
    )
    inspection = values.get("inspection")
    if inspection is not None and provider is not None and inspection.organisation_id != provider.pk:
        problems["inspection"] = "Choose an inspection of this provider."
    return problems


def do_record_notice(*, provider, acting_user, **fields):
    """Record a condition, requirement notice or enforcement imposed on a provider, and when the ICB was told
    [NEL 15.0]."""
    _check_inspection_editor(acting_user)
    _check_icb(provider, acting_user, "provider")
    unknown = set(fields) - set(NOTICE_FIELDS)
    if unknown:
        raise ValidationError(dict.fromkeys(unknown, "This field cannot be set here."))
    fields = {k: (v.strip() if isinstance(v, str) else v) for k, v in fields.items()}
    problems = _notice_problems(provider, fields)
    if provider is not None and not provider.is_provider:
        problems["provider"] = "Choose a provider registered with a regulator."
    return _save_record(RegulatoryNotice(provider=provider), fields, acting_user, problems)


def do_update_notice(notice, *, acting_user, **fields):
    _check_inspection_editor(acting_user)
    _check_live(notice)
    unknown = set(fields) - set(NOTICE_FIELDS)
    if unknown:
        raise ValidationError(dict.fromkeys(unknown, "This field cannot be changed here."))
    fields = {k: (v.strip() if isinstance(v, str) else v) for k, v in fields.items()}
    merged = {name: getattr(notice, name) for name in NOTICE_FIELDS} | fields
    return _save_record(notice, fields, acting_user, _notice_problems(notice.provider, merged))


def do_raise_inspection_action(source, *, organisation, acting_user, **smart):
    """A SMART action in the one tracker whose source is an inspection or a regulatory notice [CPCCG 8.1]. An
    inspection's action may fall to any organisation of the ICB (a JTAI asks health providers to act too)."""
    _check_inspection_editor(acting_user)
    _check_live(source)
    if organisation is None:
        raise ValidationError({"organisation": "Choose whose action it is."})
    _check_icb(organisation, acting_user, "organisation")
    if isinstance(source, RegulatoryNotice):
        label = f"{source.get_kind_display()}, {source.issued_on:%d %b %Y}"
    else:
        label = f"{source.get_kind_display()}: {source.title}"
    return do_create_tracked_action(
        source=source, organisation=organisation, source_label=label, acting_user=acting_user, **smart
    )


def do_archive_inspection_record(instance, *, acting_user):
    _check_inspection_editor(acting_user)
    return do_archive(instance, acting_user=acting_user)

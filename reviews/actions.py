"""Every change to reviews, contributions, recommendations and learning. Each is atomic and audited:
a ValidationError leaves nothing saved."""

from django.core.exceptions import ValidationError
from django.db.models import Max
from django.utils import timezone

from core import rules as core_rules
from core.actions import audited, do_archive, do_create_tracked_action, save_fields
from core.choices import Role
from core.identifiers import identifier_warnings
from core.uploads import stored_name, uploaded_file_problem
from reviews import conf, rules
from reviews.choices import CSPR_OUTCOMES, ContributionKind, ContributionStatus, DecisionOutcome, ReviewStatus
from reviews.models import (
    REVIEW_EDITORS,
    Contribution,
    Involvement,
    LearningEntry,
    NonParticipation,
    Recommendation,
    Review,
    ReviewKind,
    SafeguardingEnquiry,
)

IDENTIFIER_FIELDS = ("subject_reference", "summary")
ACKNOWLEDGE = "acknowledge_identifiers"


def _check_identifiers(values, acknowledged, names=IDENTIFIER_FIELDS):
    """Refuse text that looks like a name or holds a valid NHS number unless the user has confirmed it is not
    (the review's reference and summary, a contribution's notes, a recommendation, the learning's key findings)."""
    warnings = identifier_warnings({name: values.get(name) or "" for name in names if name in values})
    if warnings and not acknowledged:
        raise ValidationError(
            {
                **warnings,
                ACKNOWLEDGE: "Check the warnings above, then tick to confirm there is no real name or NHS number.",
            }
        )


def _check_tor_file(upload):
    if not upload or not hasattr(upload, "size"):
        return
    problem = uploaded_file_problem(
        upload, max_bytes=conf.setting("REVIEWS_TOR_MAX_BYTES"), extensions=rules.TOR_EXTENSIONS
    )
    if problem:
        raise ValidationError({"tor_file": problem})
    upload.name = stored_name(upload.name)  # the download is named after the stored file


def _validate_dates(review):
    problems = rules.date_order_problems(review.dates(), today=timezone.localdate())
    if problems:
        raise ValidationError({f"{name}_date": message for name, message in problems.items()})


def _set_links(review, themes, linked_reviews):
    if themes is not None:
        review.themes.set(themes)
    if linked_reviews is not None:
        review.linked_reviews.set([r for r in linked_reviews if r.pk != review.pk])


def do_open_review(
    *,
    acting_user,
    kind,
    subject_reference,
    icb=None,
    acknowledge_identifiers=False,
    themes=(),
    linked_reviews=(),
    **fields,
):
    """Open a review for the acting user's ICB (or `icb`, for demo data and jobs)."""
    if isinstance(kind, str):
        kind = ReviewKind.objects.get(code=kind)
    icb = icb or acting_user.organisation.icb
    _check_identifiers({"subject_reference": subject_reference, **fields}, acknowledge_identifiers)
    _check_tor_file(fields.get("tor_file"))
    with audited(acting_user):
        review = Review(
            icb=icb, kind=kind, subject_reference=subject_reference.strip(), created_by=acting_user, **fields
        )
        review.full_clean()
        _validate_dates(review)
        review.save()
        _set_links(review, themes, linked_reviews)
    return review


def do_update_review(review, *, acting_user, acknowledge_identifiers=False, themes=None, linked_reviews=None, **fields):
    if review.archived_at:
        raise ValidationError({"subject_reference": "This review is archived and cannot be changed."})
    changed_text = {name: fields[name] for name in IDENTIFIER_FIELDS if name in fields}
    _check_identifiers(changed_text, acknowledge_identifiers)
    _check_tor_file(fields.get("tor_file"))
    if fields.get("status") == ReviewStatus.CLOSED and review.status != ReviewStatus.CLOSED:
        _check_can_close(review)
    with audited(acting_user):
        for name, value in fields.items():
            setattr(review, name, value)
        review.full_clean()
        _validate_dates(review)
        review.save()
        _set_links(review, themes, linked_reviews)
    return review


def _check_can_close(review):
    """A review is closed (learning embedded) only when every recommendation is closed."""
    from reviews.reports import actions_of

    recommendations = list(review.recommendations.filter(archived_at__isnull=True))
    statuses = {r.pk: [] for r in recommendations}
    for source_id, status in actions_of(recommendations).values_list("source_id", "status"):
        statuses[source_id].append(status)
    still_open = sorted(r.number for r in recommendations if not rules.recommendation_closed(statuses[r.pk]))
    if still_open:
        numbers = ", ".join(str(n) for n in still_open)
        which = (
            f"Recommendations {numbers} still have" if len(still_open) > 1 else f"Recommendation {numbers} still has"
        )
        raise ValidationError({"status": f"{which} actions not verified: the review cannot be closed yet."})


def do_archive_review(review, *, acting_user):
    return do_archive(review, acting_user=acting_user)


def do_record_decision(review, *, decision_date, outcome, acting_user, initiation_date=None):
    """Record what was decided. A rapid review deciding on a CSPR opens the CSPR, linked to it, with the
    same subject, partnership, facts, dates, themes and organisations involved."""
    if outcome not in DecisionOutcome.values:
        raise ValidationError({"outcome": "Choose what was decided."})
    if decision_date is None:
        raise ValidationError({"decision_date": "Enter the date of the decision."})
    opens_cspr = outcome in CSPR_OUTCOMES
    if opens_cspr and review.kind.code != "rapid_review":
        raise ValidationError({"outcome": "Only a rapid review decides whether to hold a CSPR."})
    with audited(acting_user):
        status = ReviewStatus.COMPLETED if opens_cspr or outcome == DecisionOutcome.NO_REVIEW else review.status
        if outcome == DecisionOutcome.PROCEED:
            status = ReviewStatus.IN_PROGRESS
        do_update_review(
            review,
            acting_user=acting_user,
            acknowledge_identifiers=True,
            decision_date=decision_date,
            decision_outcome=outcome,
            status=status,
            **({"initiation_date": initiation_date} if initiation_date and not opens_cspr else {}),
        )
        if not opens_cspr:
            return review
        cspr = do_open_review(
            acting_user=acting_user,
            icb=review.icb,
            kind=CSPR_OUTCOMES[outcome],
            subject_reference=review.subject_reference,
            acknowledge_identifiers=True,
            summary=review.summary,
            abuse_or_neglect=review.abuse_or_neglect,
            harm=review.harm,
            subject_age=review.subject_age,
            subject_has_children=review.subject_has_children,
            incident_date=review.incident_date,
            awareness_date=review.awareness_date,
            notification_date=review.notification_date,
            decision_date=decision_date,
            decision_outcome=outcome,
            initiation_date=initiation_date,
            lead_partnership=review.lead_partnership,
            status=ReviewStatus.IN_PROGRESS,
            themes=list(review.themes.all()),
            linked_reviews=[review],
        )
        for involvement in review.involvements.filter(archived_at__isnull=True).select_related("organisation"):
            Involvement.objects.create(review=cspr, organisation=involvement.organisation)
    return cspr


def _same_icb(review, organisation, field):
    if organisation.icb_id != review.icb_id:
        raise ValidationError({field: f"{organisation.name} does not belong to this review's ICB."})


def involve(review, organisation, *, acting_user):
    """The organisation's involvement in the review, created if new (and restored if archived)."""
    _same_icb(review, organisation, "organisation")
    with audited(acting_user):
        involvement, _ = Involvement.objects.get_or_create(review=review, organisation=organisation)
        if involvement.archived_at:
            save_fields(involvement, {"archived_at": None}, acting_user=acting_user)
    return involvement


def do_add_contributions(
    review, *, organisation, kinds, due_date, acting_user, notes="", acknowledge_identifiers=False
):
    """Involve `organisation` and ask it for each of `kinds` (chronology, agency report, panel attendance)."""
    _check_identifiers({"notes": notes}, acknowledge_identifiers, ("notes",))
    errors = {}
    kinds = list(dict.fromkeys(kinds or ()))
    if not kinds:
        errors["kinds"] = "Choose at least one thing the organisation must contribute."
    elif unknown := [k for k in kinds if k not in ContributionKind.values]:
        errors["kinds"] = f"Unknown contribution: {', '.join(unknown)}."
    if due_date is None:
        errors["due_date"] = "Enter the date the contribution is due."
    if organisation is None:
        errors["organisation"] = "Choose the organisation."
    if errors:
        raise ValidationError(errors)
    existing = set(
        Contribution.objects.filter(
            involvement__review=review, involvement__organisation=organisation, archived_at__isnull=True
        ).values_list("kind", flat=True)
    )
    if repeated := [ContributionKind(k).label.lower() for k in kinds if k in existing]:
        raise ValidationError({"kinds": f"{organisation.name} has already been asked for: {', '.join(repeated)}."})
    with audited(acting_user):
        involvement = involve(review, organisation, acting_user=acting_user)
        created = []
        for kind in kinds:
            contribution = Contribution(involvement=involvement, kind=kind, due_date=due_date, notes=notes)
            contribution.full_clean()
            contribution.save()
            created.append(contribution)
    return created


PROVIDER_CONTRIBUTION_STATUSES = frozenset({ContributionStatus.REQUESTED, ContributionStatus.SUBMITTED})


def do_update_contribution(contribution, *, acting_user, acknowledge_identifiers=False, **fields):
    """Change a contribution's status (a provider marks its own submitted), due date or notes.

    Accepting a contribution, withdrawing it and setting its due date are for the ICB."""
    _check_identifiers(fields, acknowledge_identifiers, ("notes",))
    status = fields.get("status", contribution.status)
    if getattr(acting_user, "role", None) == Role.PROVIDER:
        if "due_date" in fields:
            raise ValidationError({"due_date": "The ICB sets the due date of a contribution."})
        if "status" in fields and status not in PROVIDER_CONTRIBUTION_STATUSES:
            raise ValidationError({"status": "Only the ICB accepts a contribution or marks it no longer required."})
    if status in {ContributionStatus.SUBMITTED, ContributionStatus.ACCEPTED}:
        fields.setdefault("submitted_on", contribution.submitted_on or timezone.localdate())
    if fields.get("submitted_on") and fields["submitted_on"] > timezone.localdate():
        raise ValidationError({"submitted_on": "The date submitted cannot be in the future."})
    return save_fields(contribution, fields, acting_user=acting_user)


def do_archive_contribution(contribution, *, acting_user):
    return do_archive(contribution, acting_user=acting_user)


def do_add_recommendation(
    review,
    *,
    text,
    organisations,
    acting_user,
    action_title="",
    owner="",
    due_date=None,
    success_measure="",
    acknowledge_identifiers=False,
):
    """A recommendation assigned to one or more organisations: one tracked action per organisation
    (the same SMART action for each). Each organisation becomes involved in the review."""
    _check_identifiers({"text": text}, acknowledge_identifiers, ("text",))
    organisations = list(dict.fromkeys(organisations or ()))
    errors = {}
    if not (text or "").strip():
        errors["text"] = "Write the recommendation."
    if not organisations:
        errors["organisations"] = "Assign the recommendation to at least one organisation."
    action_title = (action_title or "").strip() or (text or "").strip()
    problems = core_rules.smart_action_problems(
        title=action_title, owner=owner, due_date=due_date, success_measure=success_measure, today=timezone.localdate()
    )
    errors.update({("action_title" if k == "title" else k): v for k, v in problems.items()})
    for organisation in organisations:
        if organisation.icb_id != review.icb_id:
            errors["organisations"] = f"{organisation.name} does not belong to this review's ICB."
    if errors:
        raise ValidationError(errors)
    with audited(acting_user):
        number = (review.recommendations.aggregate(n=Max("number"))["n"] or 0) + 1
        recommendation = Recommendation(review=review, number=number, text=text.strip(), created_by=acting_user)
        recommendation.full_clean()
        recommendation.save()
        recommendation.organisations.set(organisations)
        for organisation in organisations:
            involve(review, organisation, acting_user=acting_user)
            do_create_tracked_action(
                source=recommendation,
                source_label=f"{review.reference} {review.kind.name}: recommendation {number}"[:250],
                organisation=organisation,
                title=action_title,
                owner=owner,
                due_date=due_date,
                success_measure=success_measure,
                acting_user=acting_user,
            )
    return recommendation


def do_update_recommendation(recommendation, *, acting_user, text=None, acknowledge_identifiers=False):
    """Reword a recommendation. Its organisations and actions stay: add a new recommendation to change them."""
    if text is None:
        return recommendation
    if not text.strip():
        raise ValidationError({"text": "Write the recommendation."})
    _check_identifiers({"text": text}, acknowledge_identifiers, ("text",))
    return save_fields(recommendation, {"text": text.strip()}, acting_user=acting_user)


def do_archive_recommendation(recommendation, *, acting_user):
    return do_archive(recommendation, acting_user=acting_user)


def do_add_learning(
    review,
    *,
    key_findings,
    disseminated_to,
    date,
    acting_user,
    briefing_issued=False,
    briefing_title="",
    acknowledge_identifiers=False,
):
    _check_identifiers({"key_findings": key_findings}, acknowledge_identifiers, ("key_findings",))
    errors = {}
    if date is not None and date > timezone.localdate():
        errors["date"] = "The date cannot be in the future."
    if briefing_issued and not (briefing_title or "").strip():
        errors["briefing_title"] = "Give the title of the briefing issued."
    if errors:
        raise ValidationError(errors)
    with audited(acting_user):
        entry = LearningEntry(
            review=review,
            key_findings=(key_findings or "").strip(),
            disseminated_to=(disseminated_to or "").strip(),
            date=date,
            briefing_issued=briefing_issued,
            briefing_title=(briefing_title or "").strip(),
            created_by=acting_user,
        )
        entry.full_clean()
        entry.save()
    return entry


def do_update_learning(entry, *, acting_user, acknowledge_identifiers=False, **fields):
    _check_identifiers(fields, acknowledge_identifiers, ("key_findings",))
    return save_fields(entry, fields, acting_user=acting_user)


def do_archive_learning(entry, *, acting_user):
    return do_archive(entry, acting_user=acting_user)


# NHS participation in reviews [SAAF 4.5] and parallel section 42 enquiries [SAAF 4.5.7]


def _check_editor(acting_user):
    from django.core.exceptions import PermissionDenied

    if acting_user is not None and acting_user.role not in REVIEW_EDITORS:
        raise PermissionDenied("Only the ICB safeguarding team records this.")


NON_PARTICIPATION_FIELDS = ("noted_on", "reason", "region", "escalated_on", "escalation_note", "resolved_on")


def _non_participation_problems(organisation, values):
    region = values.get("region")
    problems = rules.non_participation_problems(
        organisation_kind=getattr(organisation, "kind", None),
        region_kind=getattr(region, "kind", None),
        noted_on=values.get("noted_on"),
        escalated_on=values.get("escalated_on"),
        resolved_on=values.get("resolved_on"),
        today=timezone.localdate(),
    )
    if values.get("noted_on") is None:
        problems["noted_on"] = "Enter the date it was clear the body would not take part."
    if not (values.get("reason") or "").strip():
        problems["reason"] = "Say what happened."
    return problems


def do_record_non_participation(review, *, organisation, acting_user, **fields):
    """Flag an NHS body that does not take part in a statutory review; `region` and `escalated_on` record the
    escalation to the NHS England region when made now (or later, with do_update_non_participation)."""
    _check_editor(acting_user)
    unknown = set(fields) - set(NON_PARTICIPATION_FIELDS)
    if unknown:
        raise ValidationError(dict.fromkeys(unknown, "This field cannot be set here."))
    if organisation is not None:
        _same_icb(review, organisation, "organisation")
    problems = _non_participation_problems(organisation, fields)
    if problems:
        raise ValidationError(problems)
    with audited(acting_user):
        involve(review, organisation, acting_user=acting_user)  # it was asked to take part
        record = NonParticipation(review=review, organisation=organisation, created_by=acting_user, **fields)
        record.full_clean()
        record.save()
    return record


def do_update_non_participation(record, *, acting_user, **fields):
    """Record the escalation to the NHS England region (region and date), its answer, or that the body took part."""
    _check_editor(acting_user)
    if record.archived_at is not None:
        raise ValidationError("This record is archived and cannot be changed.")
    unknown = set(fields) - set(NON_PARTICIPATION_FIELDS)
    if unknown:
        raise ValidationError(dict.fromkeys(unknown, "This field cannot be changed here."))
    merged = {name: getattr(record, name) for name in NON_PARTICIPATION_FIELDS} | fields
    problems = _non_participation_problems(record.organisation, merged)
    if problems:
        raise ValidationError(problems)
    return save_fields(record, fields, acting_user=acting_user)


ENQUIRY_FIELDS = ("local_authority", "reference", "subject_reference", "opened_on", "concluded_on", "outcome")


def _enquiry_problems(icb_id, values):
    authority = values.get("local_authority")
    problems = rules.enquiry_problems(
        local_authority_kind=getattr(authority, "kind", None),
        opened_on=values.get("opened_on"),
        concluded_on=values.get("concluded_on"),
        today=timezone.localdate(),
    )
    if authority is None:
        problems.setdefault("local_authority", "Choose the local authority making the enquiry.")
    elif authority.icb_id != icb_id and not authority.other_icbs.filter(pk=icb_id).exists():
        problems["local_authority"] = "This local authority does not work with your ICB."
    if not (values.get("subject_reference") or "").strip():
        problems["subject_reference"] = "Enter a pseudonym such as “Adult R”."
    if values.get("opened_on") is None:
        problems["opened_on"] = "Enter the date the enquiry opened."
    return problems


def _check_reviews(icb_id, reviews):
    if reviews is not None and any(r.icb_id != icb_id for r in reviews):
        raise ValidationError({"reviews": "Link only reviews of your ICB."})


def do_record_enquiry(*, acting_user, reviews=None, acknowledge_identifiers=False, icb=None, **fields):
    """Record a local authority's section 42 enquiry running in parallel, linked to the reviews it runs beside."""
    _check_editor(acting_user)
    icb = icb or acting_user.organisation.icb
    unknown = set(fields) - set(ENQUIRY_FIELDS)
    if unknown:
        raise ValidationError(dict.fromkeys(unknown, "This field cannot be set here."))
    fields = {k: (v.strip() if isinstance(v, str) else v) for k, v in fields.items()}
    problems = _enquiry_problems(icb.pk, fields)
    if problems:
        raise ValidationError(problems)
    _check_identifiers(fields, acknowledge_identifiers, names=("subject_reference", "outcome"))
    _check_reviews(icb.pk, reviews)
    with audited(acting_user):
        enquiry = SafeguardingEnquiry(icb=icb, created_by=acting_user, **fields)
        enquiry.full_clean()
        enquiry.save()
        if reviews:
            enquiry.reviews.set(reviews)
    return enquiry


def do_update_enquiry(enquiry, *, acting_user, reviews=None, acknowledge_identifiers=False, **fields):
    _check_editor(acting_user)
    if enquiry.archived_at is not None:
        raise ValidationError("This record is archived and cannot be changed.")
    unknown = set(fields) - set(ENQUIRY_FIELDS)
    if unknown:
        raise ValidationError(dict.fromkeys(unknown, "This field cannot be changed here."))
    fields = {k: (v.strip() if isinstance(v, str) else v) for k, v in fields.items()}
    merged = {name: getattr(enquiry, name) for name in ENQUIRY_FIELDS} | fields
    problems = _enquiry_problems(enquiry.icb_id, merged)
    if problems:
        raise ValidationError(problems)
    _check_identifiers(fields, acknowledge_identifiers, names=("subject_reference", "outcome"))
    _check_reviews(enquiry.icb_id, reviews)
    with audited(acting_user):
        save_fields(enquiry, fields, acting_user=acting_user)
        if reviews is not None:
            enquiry.reviews.set(reviews)
    return enquiry


def do_archive_review_record(record, *, acting_user):
    _check_editor(acting_user)
    return do_archive(record, acting_user=acting_user)

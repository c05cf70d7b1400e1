"""Read side of workforce assurance, for pages, exports, the home panel and the governance reports.

The governance reports pick up `sections(user, as_of)`: a list of (title, rows) aggregates, never a person."""

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from django.utils import timezone

from core.quarters import Quarter, quarters_up_to
from core.working_calendars import Calendars
from organisations.models import Organisation, RoleHolder
from workforce import conf, reference, rules
from workforce.choices import DesignatedRole, SupervisionGroup, Topic
from workforce.models import (
    CapacityEntry,
    DbsCheck,
    FrameworkLevel,
    PopulationFigures,
    StaffMember,
    SupervisionRule,
    SupervisionSession,
    TnaRequirement,
    TrainingRecord,
    WorkforcePolicy,
)

TRAINING_METRICS = ("TRN-CH", "TRN-AD", "TRN-CIC", "TRN-PREV", "TRN-MCA")


def framework_for(policy):
    """The framework levels with the ICB's choices applied (children level 1 refresher, validity setting)."""
    validity = int(conf.setting("WORKFORCE_VALIDITY_MONTHS"))
    rows = FrameworkLevel.objects.values_list(
        "version__code",
        "version__topic",
        "level",
        "version__effective_from",
        "version__effective_to",
        "hours",
        "initial_hours",
        "initial_months",
    )
    levels = [
        rules.LevelRule(v_code, topic, level, validity, start, end, hours, initial_hours, initial_months)
        for v_code, topic, level, start, end, hours, initial_hours, initial_months in rows
    ]
    overrides = {("children", 1): int(policy.l1_refresher_months)} if policy else {}
    return rules.Framework(levels, overrides)


def policy_rules(policy):
    return rules.Policy(
        grace=conf.setting("WORKFORCE_GRACE"),
        excluded_statuses=frozenset(
            policy.excluded_statuses if policy else conf.setting("WORKFORCE_EXCLUDED_STATUSES")
        ),
        bands=tuple(tuple(b) for b in conf.setting("WORKFORCE_RAG_BANDS")),
        target_choice=policy.target_choice if policy else conf.setting("WORKFORCE_TARGET_DEFAULT"),
        horizon_days=int(conf.setting("WORKFORCE_EXPIRY_HORIZON_DAYS")),
        check_hours=policy.check_hours if policy else bool(conf.setting("WORKFORCE_CHECK_HOURS_DEFAULT")),
        hours_months=int(conf.setting("WORKFORCE_HOURS_WINDOW_MONTHS")),
    )


def policy_choices(policy):
    """[(question, chosen option's text with its source)] for the pages: which source each choice follows."""
    l1 = conf.setting("WORKFORCE_L1_REFRESHER_OPTIONS")
    target = conf.setting("WORKFORCE_TARGET_OPTIONS")
    return [
        ("Children level 1 refresher", l1.get(policy.l1_refresher_months, policy.l1_refresher_months)),
        ("Target for ICB staff", target.get(policy.target_choice, policy.target_choice)),
        (
            "Training hours",
            "checked: below the framework's hours for a level over 3 years is not compliant [reference A1.8; E1]; "
            "a new starter, once past the grace period and until the initial window ends, needs the initial hours "
            "since starting instead (children level 3: 8 hours within 12 months [E1, E2])"
            if policy.check_hours
            else "not checked: a valid completion is enough",
        ),
        (
            "Out of scope while",
            ", ".join(s.replace("_", " ") for s in policy.excluded_statuses) or "nobody is excluded",
        ),
    ]


@dataclass
class Compliance:
    as_of: dt.date
    cells: dict
    expiring: list
    staff_groups: list
    columns: list  # [(topic, level)]
    policy: WorkforcePolicy | None

    def cell(self, group, column):
        return self.cells.get((column[0], column[1], group))

    @property
    def rows(self):
        return [(group, [self.cell(group, column) for column in self.columns]) for group in self.staff_groups]

    @property
    def reds(self):
        return [c for c in self.cells.values() if c.rating == rules.RED]


def compliance_for(icb_id, as_of):
    """ICB staff training compliance on `as_of`: topic × level × staff group, and who expires soon."""
    policy = WorkforcePolicy.objects.filter(icb_id=icb_id).first()
    staff = StaffMember.objects.filter(icb_id=icb_id, archived_at__isnull=True)
    people = [
        rules.Person(*row)
        for row in staff.values_list("staff_key", "staff_group", "role", "start_date", "end_date", "status")
    ]
    completions = {}
    for key, topic, level, completed, hours in TrainingRecord.objects.filter(staff__in=staff).values_list(
        "staff__staff_key", "topic", "level", "completed_on", "hours"
    ):
        completions.setdefault(key, []).append(rules.Completion(topic, level, completed, hours))
    tna = [row.as_rule() for row in TnaRequirement.objects.filter(icb_id=icb_id)]
    cells, expiring = rules.compliance(people, completions, tna, framework_for(policy), policy_rules(policy), as_of)
    topic_order = {t: i for i, t in enumerate(Topic.values)}
    columns = sorted({(c.topic, c.level) for c in cells.values()}, key=lambda c: (topic_order[c[0]], c[1]))
    groups = sorted({c.staff_group for c in cells.values()})
    return Compliance(as_of, cells, expiring, groups, columns, policy)


def level_label(topic, level):
    if topic == "children" and level == 6 or topic == "adults" and level == 6:
        return f"{Topic(topic).label}, board level"
    if topic == "oliver_mcgowan":
        return f"{Topic(topic).label}, tier {level}"
    return f"{Topic(topic).label}, level {level}"


def hours_for(member, as_of):
    """[(required topic and level, framework hours per 3 years or None, hours counted towards them on `as_of`,
    initial requirement or None)] for one person, counted as compliance counts them (`rules.compliant`): the
    topic's completions at that level or higher. The initial requirement is (hours since starting, up to `as_of` or
    the window's end, initial hours required, months, window end, whether it applies on `as_of`) for a level with
    initial hours (children level 3: 8 hours within 12 months of appointment [E1, E2])."""
    policy = WorkforcePolicy.objects.filter(icb_id=member.icb_id).first()
    framework, window = framework_for(policy), policy_rules(policy).hours_months
    tna = [row.as_rule() for row in TnaRequirement.objects.filter(icb_id=member.icb_id)]
    required = rules.required_levels(member.as_person(), tna, as_of)
    completions = [
        rules.Completion(*values) for values in member.training.values_list("topic", "level", "completed_on", "hours")
    ]
    rows = []
    for topic, level in sorted(required.items()):
        initial = None
        initial_rule = framework.initial_required(topic, level, as_of)
        if initial_rule:
            initial_hours, months = initial_rule
            end = rules.initial_window_end(member.start_date, months)
            recorded = rules.initial_hours_towards(completions, topic, level, member.start_date, min(as_of, end))
            initial = (recorded, initial_hours, months, end, rules.in_initial_window(member.start_date, as_of, months))
        rows.append(
            (
                level_label(topic, level),
                framework.hours_required(topic, level, as_of),
                rules.hours_towards(completions, topic, level, as_of, window),
                initial,
            )
        )
    return rows


# ------------------------------------------------------------------------------------------------- DBS


@dataclass
class DbsRow:
    staff: StaffMember
    check: DbsCheck | None
    problem: str | None
    disclosure_due: dt.date | None
    references_problem: str | None


def dbs_rows(staff_queryset, as_of):
    """Per person: their latest check, the before-start flag, the next self-disclosure, the references."""
    months = int(conf.setting("WORKFORCE_SELF_DISCLOSURE_MONTHS"))
    minimum = int(conf.setting("WORKFORCE_MIN_REFERENCES"))
    rows = []
    staff = staff_queryset.filter(archived_at__isnull=True).prefetch_related("dbs_checks")
    for member in staff:
        checks = [c for c in member.dbs_checks.all() if c.archived_at is None]
        latest = max(checks, key=lambda c: c.checked_on, default=None)
        problem = rules.dbs_before_start_problem(
            member.regulated_activity, member.start_date, [(c.level, c.checked_on) for c in checks]
        )
        due = rules.self_disclosure_due(latest.self_disclosure_on, member.start_date, months) if latest else None
        references = (
            "; ".join(
                filter(
                    None,
                    [
                        rules.references_problem(
                            latest.references_received, latest.reference_from_recent_employer, minimum
                        ),
                        *rules.recruitment_gaps(
                            identity_and_qualifications=latest.identity_and_qualifications_checked,
                            employment_history=latest.employment_history_checked,
                            panel_member_trained=latest.panel_member_trained,
                        ),
                    ],
                )
            )
            or None
            if latest
            else None
        )
        rows.append(DbsRow(member, latest, problem, due, references))
    return rows


# ------------------------------------------------------------------------------------------- supervision


@dataclass
class SupervisionRow:
    staff: StaffMember
    rule: rules.SupervisionRule
    last: dt.date | None
    due: dt.date
    overdue: bool
    has_agreement: bool


def supervision_rules():
    found = {}
    for rule in SupervisionRule.objects.all():
        amount = conf.setting(rule.setting, rule.amount) if rule.setting else rule.amount
        found[rule.supervisee_group] = rules.SupervisionRule(
            rule.code, rule.supervisee_group, rule.unit, int(amount), rule.source
        )
    return found


def supervision_rows(icb_id, as_of, groups=(SupervisionGroup.DESIGNATED, SupervisionGroup.NAMED)):
    rule_by_group = supervision_rules()
    calendar = Calendars()[icb_id]
    staff = StaffMember.objects.filter(icb_id=icb_id, archived_at__isnull=True, supervision_group__in=groups)
    last = {}
    for supervisee, held in SupervisionSession.objects.filter(
        supervisee__in=staff, archived_at__isnull=True, held_on__lte=as_of
    ).values_list("supervisee_id", "held_on"):
        last[supervisee] = max(held, last.get(supervisee, held))
    agreed = set(
        StaffMember.objects.filter(pk__in=staff, agreements__archived_at__isnull=True).values_list("pk", flat=True)
    )
    rows = []
    for member in staff:
        rule = rule_by_group.get(member.supervision_group)
        if rule is None or not rules.is_active(member.as_person(), as_of):
            continue
        due = rules.supervision_due(last.get(member.pk), member.start_date, rule, calendar.add_working_days)
        rows.append(SupervisionRow(member, rule, last.get(member.pk), due, as_of > due, member.pk in agreed))
    return sorted(rows, key=lambda r: (not r.overdue, r.due))


def supervision_compliance(rows):
    """{group: (supervised within the rule's window, staff the rule applies to, rating)} [reference A4; the
    training bands, CPCCG App. 3 11.a.5]."""
    counts = {}
    for row in rows:
        num, den = counts.get(row.staff.supervision_group, (0, 0))
        counts[row.staff.supervision_group] = (num + (not row.overdue), den + 1)
    bands = conf.setting("WORKFORCE_RAG_BANDS")
    return {group: (num, den, rules.rate_fraction(num, den, bands)) for group, (num, den) in counts.items()}


# ---------------------------------------------------------------------------------------------- capacity


def conversions():
    return rules.Conversions(
        hours_per_pa=Decimal(str(conf.setting("WORKFORCE_HOURS_PER_PA"))),
        hours_per_wte=Decimal(str(conf.setting("WORKFORCE_HOURS_PER_WTE"))),
        weeks_per_month=Decimal(str(conf.setting("WORKFORCE_WEEKS_PER_MONTH"))),
    )


@dataclass
class CapacityRow:
    role: str
    label: str
    entries: list
    hours: Decimal
    ratio: dict | None
    required: Fraction | None
    gap: Fraction | None
    vacancies: int


def capacity_rows(icb_id):
    conv = conversions()
    entries = list(CapacityEntry.objects.filter(icb_id=icb_id, archived_at__isnull=True))
    population = PopulationFigures.objects.filter(icb_id=icb_id).first()
    ratios = {r["role"]: r for r in reference.capacity_ratios()}
    register_vacancies = Counter(
        RoleHolder.objects.filter(organisation_id=icb_id, archived_at__isnull=True, holder_name="").values_list(
            "role", flat=True
        )
    )
    rows = []
    for role in DesignatedRole:
        mine = [e for e in entries if e.role == role]
        if not mine and role not in ratios:
            continue
        hours = sum((rules.hours_per_week(e.amount, e.unit, conv) for e in mine if not e.vacant), Decimal(0))
        required = gap = None
        ratio = ratios.get(role)
        if ratio and population:
            count = getattr(population, ratio["population"])
            per_hours = rules.hours_per_week(ratio["amount"], ratio["unit"], conv)
            result = rules.capacity_gap(
                rules.Ratio(role, per_hours, ratio["per"], ratio["population"], ratio["source"]), count, hours
            )
            if result:
                required, gap = (Decimal(f.numerator) / Decimal(f.denominator) for f in result)
        vacancies = sum(e.vacant for e in mine) + register_vacancies.get(role.value, 0)
        rows.append(CapacityRow(role, role.label, mine, hours, ratio, required, gap, vacancies))
    return rows, population


def per_10000_children(hours, population):
    if not population or not population.children:
        return None
    return Fraction(hours) * 10000 / population.children


# ------------------------------------------------------------------------------------- provider training


def provider_training(user, quarter, count=4, providers=None):
    """[(provider, {metric code: [(quarter, Rated or None)]})]: each provider's training figures from its
    quarterly returns (the returns module's own ratings), no second entry."""
    from returns import reports
    from returns.models import Metric, Return

    quarters = quarters_up_to(quarter, count)
    metrics = list(Metric.objects.filter(code__in=TRAINING_METRICS, active=True))
    returns = Return.objects.restrict(user)
    visible = Organisation.objects.filter(pk__in=returns.values("provider_id")).order_by("name")
    if providers is not None:
        visible = visible.filter(pk__in=providers)
    result = []
    for provider in visible:
        trend = reports.trend(provider, returns, quarters, metrics, user=user)
        result.append((provider, trend))
    return quarters, metrics, result


def default_quarter(today=None):
    return Quarter.containing(today or timezone.localdate()).previous()


# --------------------------------------------------------------------------------------- for the reports


def sections(user, as_of=None):
    """Aggregates for the governance reports: [(title, [(label, value)])], for an ICB user who may read them."""
    from core.scoping import can

    as_of = as_of or timezone.localdate()
    if not can(user, WorkforcePolicy, "view"):
        return []
    icb_id = user.organisation.icb_id
    result = compliance_for(icb_id, as_of)
    totals = rules.totals_by(result.cells, "topic", "level")
    training = [
        (level_label(topic, level), f"{num}/{den} ({_pct(num, den)})")
        for (topic, level), (num, den) in sorted(totals.items())
    ]
    training.append(("Cells rated red", str(len(result.reds))))
    training.append(("Completions expiring in the next 90 days", str(len(result.expiring))))
    staff = StaffMember.objects.filter(icb_id=icb_id)
    flagged = [row for row in dbs_rows(staff, as_of) if row.problem]
    supervision = supervision_rows(icb_id, as_of)
    return [
        ("ICB staff training compliance", training),
        ("Safer recruitment", [("Started in regulated activity without the required DBS check", str(len(flagged)))]),
        (
            "Safeguarding supervision",
            [
                (SupervisionGroup(group).label, f"{num}/{den} supervised within the rule ({rating})")
                for group, (num, den, rating) in supervision_compliance(supervision).items()
            ],
        ),
    ]


def _pct(numerator, denominator):
    pct = rules.percentage(numerator, denominator)
    return "no one in scope" if pct is None else f"{float(pct):.1f} %"

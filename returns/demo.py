"""Synthetic demo returns for the fictional demo ICB (QZZ): four quarters for every demo provider, with some
red and amber metrics, one late return, one missing return and one action opened from a red metric.
Idempotent: loading again changes nothing. Every figure is invented."""

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from core.models import User
from organisations.models import Organisation
from returns import actions, catalogue, reports, rules
from returns.models import Metric, Return, ReturnVersion

ICB_CODE = "QZZ"
MISSING = "ZB1"  # no return for the latest quarter
LATE = "ZA9"  # submitted after the due date
# (ODS code, metric) -> (numerator, denominator) in the latest quarter, to show red and amber
LATEST = {
    ("ZA1", "TRN-CH"): (702, 1000),  # red: below 75 %
    ("ZA3", "SUP"): (164, 200),  # amber
    ("ZA5", "MAM"): (34, 50),  # 68 %: in the 60-75 % gap, red by default
    ("ZA2", "TRN-PREV"): (455, 500),  # 91 %: green
    ("ZA4", "TRN-AD"): (300, 400),  # exactly 75 %: amber
    # Two of 17 children without an initial health assessment at 20 working days: 88.2 %, amber [SAAF 4.7.2]
    ("ZA2", "CIC-IHA"): (15, 17),
    ("ZA1", "CIC-DENT"): (61, 80),  # 76 %: red, a quarter of children in care not registered with a dentist
}
NOT_BROKEN_DOWN = {("ZA6", "TRN-MCA")}  # red whatever its value
# (ODS code, judged metric) -> the ICB's judgements of the latest quarter, in order (a second one is a revision).
# Every state shows: red, amber, green, a revision, and the rest to rate. ZA2 is above 90 % on training but has
# given no evidence that training changes practice, so 11.b caps its training figures at amber [CPCCG App. 3 11.b].
JUDGEMENTS = {
    ("ZA2", "11.b"): [
        ("amber", "Training figures are above 90 %, but the return gives no evidence of effect on practice.")
    ],
    ("ZA1", "11.a.1"): [("red", "No evidence of recognition of vulnerable children in the quarter's report.")],
    ("ZA3", "11.a.5"): [("green", "")],
    ("ZA4", "11.a.3"): [
        ("amber", "Section 11 action plan provided, but its actions are not SMART."),
        ("green", ""),
    ],
    ("ZA5", "11.a.2"): [("amber", "Some recognition of multi-agency work; no learning from reviews in audits.")],
}
EVIDENCE = {
    "trends": "Synthetic demo: figures steady on last quarter; more referrals from the emergency department.",
    "audit_learning": "Synthetic demo: the record-keeping audit led to a new checklist for safeguarding notes.",
    "effect_on_practice": "Synthetic demo: a records audit after training found the child's voice better recorded.",
}
NO_EVIDENCE = {"ZA2"}  # gives no evidence of effect on practice


def load():
    icb = Organisation.objects.filter(ods_code=ICB_CODE).first()
    if icb is None or Return.objects.filter(provider__icb=icb).exists():
        return
    with transaction.atomic():
        _load(icb)


def load_for(icb):
    """The same four quarters of synthetic returns for another demo ICB's providers (regions/demo.py)."""
    if Return.objects.filter(provider__icb=icb).exists():
        return
    with transaction.atomic():
        _load(icb)


def _load(icb):
    designated = User.objects.filter(username="designated").first()
    today = timezone.localdate()
    latest = rules.last_ended_quarter(today)
    quarters = rules.quarters_up_to(latest, 4)
    providers = list(Organisation.objects.filter(icb=icb, kind__in=reports.REPORTING_KINDS).order_by("ods_code"))
    authorities = catalogue.local_authorities_for(icb.pk)
    metrics = list(Metric.objects.filter(active=True))
    for q_number, quarter in enumerate(quarters):
        for p_number, provider in enumerate(providers):
            if quarter == latest and provider.ods_code == MISSING:
                continue
            _submit(provider, quarter, q_number, p_number, quarter == latest, metrics, authorities, designated)
    if designated:
        _judge(latest, designated)
    red = Return.objects.filter(provider__ods_code="ZA1", period=latest.index).first()
    if red and designated:
        actions.do_open_metric_action(
            red,
            metric=Metric.objects.get(code="TRN-CH"),
            rating=rules.RED,
            title="Add two level 3 safeguarding children sessions a month for nursing and medical staff",
            owner="Named nurse for safeguarding children",
            due_date=today + dt.timedelta(days=75),
            success_measure="Safeguarding children training above 90 % in the next quarter's return",
            acting_user=designated,
        )


def _evidence(ret):
    if ret.provider.ods_code in NO_EVIDENCE:
        return
    answers = {
        judged.code: {f["code"]: EVIDENCE.get(f["code"], "") for f in judged.evidence_fields}
        for judged in catalogue.judged_metrics_for(ret.provider.kind)
    }
    if answers:
        actions.do_save_evidence(ret, answers=answers, acting_user=None)


def _judge(quarter, designated):
    for (code, judged_code), ratings in JUDGEMENTS.items():
        ret = Return.objects.filter(provider__ods_code=code, period=quarter.index).select_related("provider").first()
        if ret is None:
            continue
        judged = actions.judged_metric_for(ret, judged_code)
        for rating, reason in ratings:
            actions.do_rate_judged_metric(
                ret, judged_metric=judged, rating=rating, reason=reason, acting_user=designated
            )


def _figure(code, p_number, q_number):
    base = 88 + (p_number * 7 + len(code) * 3) % 11  # 88..98
    return base + q_number % 2  # stable within two points quarter to quarter


def _entries(provider, quarter, q_number, p_number, latest, metrics, authorities):
    entries = {}
    for metric in metrics:
        if not metric.applies_to_kind(provider.kind):
            continue
        key = (provider.ods_code, metric.code)
        entry = rules.Entry()
        if metric.unit == "percentage":
            den = 200 + p_number * 40
            num = den * _figure(metric.code, p_number, q_number) // 100
            if metric.code == "VAC":
                num = den * (5 + p_number % 6) // 100
            if latest and key in LATEST:
                num, den = LATEST[key]
            entry.numerator, entry.denominator = Decimal(num), Decimal(den)
        elif metric.unit == "count":
            entry.numerator = Decimal((p_number + len(metric.code)) % 5 + 2)
        elif metric.unit == "yes_no":
            entry.numerator = Decimal(0 if provider.ods_code == "ZB2" else 1)
        else:  # the annual report: sent on 20 August (15 September for one late provider), once that has passed
            sent = dt.date(quarter.fy, 9, 15) if provider.ods_code == "ZA3" else dt.date(quarter.fy, 8, 20)
            entry.date_value = sent if sent <= quarter.end else None
        if latest and key in NOT_BROKEN_DOWN:
            entry.explanation = "Our new workforce system cannot split this figure yet."
        else:
            for dimension in metric.breakdowns:
                codes = [c for c, _ in catalogue.categories(dimension, authorities)]
                entry.breakdown[dimension] = _spread(entry.numerator, entry.denominator, codes, metric.unit)
        entries[metric.code] = entry
    return entries


def _spread(num, den, codes, unit):
    """Split a total over categories so that the rows add up (and each numerator stays within its denominator)."""
    n = len(codes)
    rows = {}
    if unit == "percentage":
        dens = [den // n + (1 if i < den % n else 0) for i in range(n)]
        nums, left = [], num
        for d in dens:
            take = min(d, left)
            nums.append(take)
            left -= take
        return {c: (Decimal(a), Decimal(b)) for c, a, b in zip(codes, nums, dens, strict=True)}
    for i, code in enumerate(codes):
        rows[code] = (Decimal(num // n + (1 if i < num % n else 0)), None)
    return rows


def _submit(provider, quarter, q_number, p_number, latest, metrics, authorities, designated):
    ret = actions.do_start_return(provider=provider, quarter=quarter, acting_user=None)
    entries = _entries(provider, quarter, q_number, p_number, latest, metrics, authorities)
    actions.do_save_figures(ret, entries=entries, acting_user=None)
    if latest:
        _evidence(ret)
    blocking, _ = actions.submission_problems(ret)
    for problem in blocking:
        if problem.severity == rules.WARNING:
            entries[problem.metric].explanation = "Synthetic demo: explained at the quarterly review meeting."
    if blocking:
        actions.do_save_figures(ret, entries=entries, acting_user=None)
    actions.do_submit_return(ret, acting_user=None)
    # Demo history: date the submission a few days before (or, for the late one, after) its due date.
    submitted_on = ret.due_date + dt.timedelta(days=4 if (latest and provider.ods_code == LATE) else -3 - p_number % 5)
    when = timezone.make_aware(dt.datetime.combine(submitted_on, dt.time(11, 0)))
    Return.objects.filter(pk=ret.pk).update(first_submitted_at=when, last_submitted_at=when)
    ReturnVersion.objects.filter(return_obj=ret).update(submitted_at=when)
    if q_number < 2 and designated:
        ret.refresh_from_db()
        actions.do_accept_return(ret, acting_user=designated)

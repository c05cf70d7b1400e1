"""Synthetic signals for the demo ICB, loaded through the real imports and evaluation: at the acute trust (ZA1) a
child with three emergency department attendances in 12 months (S1) and a child on a child protection plan who
attends (S5); at Thistlegate Surgery (Z10001) a child with two attendances and an NHS 111 call (S1) and a household
with four police domestic abuse notifications in six months (S3, and S2 routing for its children). NHS numbers are
from the test range (999 000 0000 to 999 999 9999) with their modulus 11 check digit. Idempotent."""

import datetime as dt
import io

from django.utils import timezone

from core import jobs
from core.choices import Role
from core.demo import ensure_user
from core.tests.synthetic import synthetic_nhs_number
from organisations.models import Organisation
from signals import actions, imports
from signals.models import FeedUpload


def _numbers(count, start=999_100_000):
    found, base = [], start
    while len(found) < count:
        if number := synthetic_nhs_number(f"{base:09d}"):
            found.append(number)
        base += 1
    return found


def _csv(header, rows):
    lines = [",".join(header), *(",".join(str(v) for v in row) for row in rows)]
    return io.BytesIO(("\n".join(lines) + "\n").encode())


def _import(organisation, feed, header, rows, user, name):
    imports.do_import(organisation=organisation, feed=feed, upload=_csv(header, rows), name=name, acting_user=user)


def load():
    orgs = {o.ods_code: o for o in Organisation.objects.filter(ods_code__in=["ZA1", "Z10001"])}
    if len(orgs) < 2 or FeedUpload.objects.filter(organisation__in=orgs.values()).exists():
        return
    trust, practice = orgs["ZA1"], orgs["Z10001"]
    trust_user = ensure_user("provider.za1", role=Role.PROVIDER, organisation=trust)
    practice_user = ensure_user(
        "provider.z10001", role=Role.PROVIDER, organisation=practice, last_name="Thistlegate Surgery"
    )
    today = timezone.localdate()

    def ago(days, hour=14):
        return f"{today - dt.timedelta(days=days):%Y-%m-%d} {hour:02d}:20"

    def born(years, days=40):
        return f"{today.replace(year=today.year - years) - dt.timedelta(days=days):%Y-%m-%d}"

    a, b, c, d, e, f, g = _numbers(7)
    header = ("NHS number", "Date of birth", "Arrival", "Setting")
    _import(
        trust,
        "attendances",
        header,
        [
            (a, born(3), ago(250), "Emergency department"),
            (a, born(3), ago(120, 23), "Emergency department"),
            (a, born(3), ago(12, 2), "Emergency department"),
            (b, born(11), ago(90), "Emergency department"),
            (b, born(11), ago(30), "Urgent treatment centre"),
            (c, born(7), ago(8, 19), "Emergency department"),
        ],
        trust_user,
        "ecds-extract.csv",
    )
    resent = [
        (a, born(3), ago(250), "Emergency department"),
        (a, born(3), ago(120, 23), "Emergency department"),
        (a, born(3), ago(12, 2), "Emergency department"),
    ]
    _import(
        trust,
        "cpis",
        ("NHS number", "Date of birth", "Flag", "Start date", "Local authority"),
        [(c, born(7), "Child protection plan", ago(200)[:10], "Demo Borough Council")],
        trust_user,
        "cpis-flags.csv",
    )
    _import(
        practice,
        "attendances",
        header,
        [
            (d, born(1), ago(160, 21), "NHS 111"),
            (d, born(1), ago(75), "Walk-in centre"),
            (d, born(1), ago(6, 9), "Emergency department"),
        ],
        practice_user,
        "a-and-e-letters.csv",
    )
    notifications = [
        (ago(days)[:10], "HH-DEMO-01", f"DEMO/{days}", severity, number, age)
        for days, severity in ((170, "standard"), (120, "medium"), (60, "medium"), (15, "high"))
        for number, age in ((e, 4), (f, 9), (g, 16))
    ]
    _import(
        practice,
        "domestic_abuse",
        ("Notification date", "Household", "Police reference", "Severity", "NHS number", "Age"),
        notifications,
        practice_user,
        "police-notifications.csv",
    )
    _import(
        practice,
        "gp_codes",
        ("NHS number", "SNOMED code", "Recorded on"),
        [(e, "836881000000105", ago(100)[:10]), (f, "1064961000000107", ago(100)[:10])],
        practice_user,
        "safeguarding-codes.csv",
    )
    for organisation, user in ((trust, trust_user), (practice, practice_user)):
        rule = actions.ensure_rules(organisation)["S1"]
        actions.do_update_rule(rule, timescale=10, timescale_unit="working_days", acting_user=user)
        actions.do_evaluate(organisation, acting_user=user)
    # The same ECDS rows sent again, through the large-file path (a stored job): already held, nothing new.
    job = imports.enqueue_import(
        organisation=trust,
        feed="attendances",
        upload=_csv(header, resent),
        name="ecds-extract-resent.csv",
        acting_user=trust_user,
    )
    jobs.run(job)

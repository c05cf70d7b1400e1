"""Build the quarterly safeguarding assurance report (PDF and XLSX) for an ICB from stored data."""

import datetime as dt
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from organisations.models import Organisation
from returns import quarterly_report, rules


class Command(BaseCommand):
    help = "Write the ICB's quarterly safeguarding assurance report as PDF and XLSX (same data, same document)."

    def add_arguments(self, parser):
        parser.add_argument("--icb", required=True, help="ODS code of the ICB, e.g. QZZ")
        parser.add_argument("--quarter", required=True, help="e.g. '2026/27 Q2' or 2026-27-Q2")
        parser.add_argument("--out", default=".", help="Directory to write the files in")
        parser.add_argument(
            "--as-at", help="Date the statuses are taken at (default: the day after the quarter's last due date)"
        )
        parser.add_argument("--job", action="store_true", help="Queue it as a stored job instead (run_worker)")

    def handle(self, **options):
        icb = Organisation.objects.filter(ods_code=options["icb"].upper(), kind="icb").first()
        if icb is None:
            raise CommandError(f"No ICB with ODS code {options['icb']}.")
        try:
            quarter = rules.Quarter.parse(options["quarter"])
        except ValueError as error:
            raise CommandError(str(error)) from error
        if options["job"]:
            from core.jobs import enqueue

            job = enqueue("returns.assurance_report", {"icb": icb.pk, "period": quarter.index})
            self.stdout.write(f"Queued job {job.pk}.")
            return
        as_at = dt.date.fromisoformat(options["as_at"]) if options["as_at"] else None
        out = Path(options["out"])
        out.mkdir(parents=True, exist_ok=True)
        stem = f"safeguarding-assurance-{icb.ods_code}-{quarter.slug}"
        (out / f"{stem}.pdf").write_bytes(quarterly_report.assurance_pdf(icb, quarter, as_at))
        (out / f"{stem}.xlsx").write_bytes(quarterly_report.assurance_xlsx(icb, quarter, as_at))
        self.stdout.write(f"Wrote {out / stem}.pdf and .xlsx")

import time

from django.core.management.base import BaseCommand

from core.jobs import run_pending, run_start_checks


class Command(BaseCommand):
    help = "Run stored jobs. With --once, run what is queued and stop (for cron); otherwise keep polling."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true")
        parser.add_argument("--poll-seconds", type=float, default=5.0)

    def handle(self, once=False, poll_seconds=5.0, **options):
        run_start_checks()
        while True:
            ran = run_pending()
            if ran:
                self.stdout.write(f"{ran} job(s) run.")
            if once:
                return
            time.sleep(poll_seconds)

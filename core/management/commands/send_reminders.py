from django.core.management.base import BaseCommand
from django.utils import timezone
from django.utils.dateparse import parse_date

from core.reminders import send_due_reminders


class Command(BaseCommand):
    help = "E-mail every reminder due today (safe to run every hour from cron: nothing is sent twice a day)."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="Pretend today is this date (YYYY-MM-DD), for testing.")

    def handle(self, date=None, **options):
        today = parse_date(date) if date else timezone.localdate()
        sent = send_due_reminders(today)
        self.stdout.write(f"{sent} reminder(s) sent for {today:%d %B %Y}.")

from django.core.management.base import BaseCommand

from core.backup import KEY_VARIABLE, new_key


class Command(BaseCommand):
    help = f"Print a new backup key for {KEY_VARIABLE} (keep it away from the backups: see docs/backup.md)."

    def handle(self, **options):
        self.stdout.write(new_key())

from django.core.management.base import BaseCommand
from django.db import transaction

from assurance.reference import load_frameworks


class Command(BaseCommand):
    help = "Load the assurance frameworks in assurance/data/frameworks/ (or the given files). Idempotent."

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="*", help="JSON framework files (default: every shipped file)")

    def handle(self, files=(), **options):
        with transaction.atomic():
            created = load_frameworks(files=files or None, warn=lambda text: self.stderr.write(text))
        for framework in created:
            self.stdout.write(f"Loaded {framework}")
        self.stdout.write(f"{len(created)} framework version(s) loaded.")

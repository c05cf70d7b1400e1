from django.core.management.base import BaseCommand

from returns import benchmark


class Command(BaseCommand):
    help = benchmark.__doc__.strip().splitlines()[0]

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=float, default=1.0, help="1.0 = 42 ICBs and 1,500 providers")
        parser.add_argument("--xlsx", type=int, default=20, help="How many templates to import for the XLSX rate")

    def handle(self, **options):
        benchmark.run(scale=options["scale"], xlsx=options["xlsx"], out=self.stdout.write)

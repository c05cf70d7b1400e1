from importlib import import_module

from django.apps import apps
from django.core.management.base import BaseCommand
from django.utils.module_loading import module_has_submodule

from core.demo import DEMO_PASSWORD, print_logins, print_second_factor


class Command(BaseCommand):
    help = "Load the synthetic demo ICB (idempotent: running it again changes nothing) and print the logins."

    def handle(self, **options):
        for config in apps.get_app_configs():
            if module_has_submodule(config.module, "demo") and config.name != "core":
                import_module(f"{config.name}.demo").load()
        print_logins(self.stdout)
        self.stdout.write(f"Password for every demo login: {DEMO_PASSWORD}")
        print_second_factor(self.stdout)

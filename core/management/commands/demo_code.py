from base64 import b32decode

from django.core.management.base import BaseCommand

from core.demo import DEMO_TOTP_KEY
from core.second_factor import totp_code_for_key


class Command(BaseCommand):
    help = "Print the current 6-digit code of the published demo authenticator key (demo logins only)."

    def handle(self, **options):
        self.stdout.write(totp_code_for_key(b32decode(DEMO_TOTP_KEY)))

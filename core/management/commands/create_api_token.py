from django.core.management.base import BaseCommand, CommandError
from rest_framework.authtoken.models import Token

from core.models import User


class Command(BaseCommand):
    help = "Print the API token of USERNAME, creating it if needed (send as 'Authorization: Token <token>')."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--rotate", action="store_true", help="Replace any existing token with a new one.")

    def handle(self, username, rotate=False, **options):
        try:
            user = User.objects.get(username=username, is_active=True)
        except User.DoesNotExist as missing:
            raise CommandError(f"No active user named {username!r}.") from missing
        if rotate:
            Token.objects.filter(user=user).delete()
        token, _ = Token.objects.get_or_create(user=user)
        self.stdout.write(token.key)

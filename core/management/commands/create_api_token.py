from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from core import actions, tokens
from core.models import ApiToken, User


class Command(BaseCommand):
    help = (
        "Make an API token for USERNAME and print its key once (send as 'Authorization: Token <key>'). "
        "Keys are stored only as digests, so an existing key cannot be printed again."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="Command line", help="What the token is for (default: Command line).")
        parser.add_argument("--rotate", action="store_true", help="Revoke the user's tokens of the same name first.")

    def handle(self, username, name="Command line", rotate=False, **options):
        try:
            user = User.objects.get(username=username, is_active=True)
        except User.DoesNotExist as missing:
            raise CommandError(f"No active user named {username!r}.") from missing
        if rotate:
            for token in ApiToken.objects.filter(user=user, name=name):
                actions.do_revoke_api_token(token, acting_user=None)
        try:
            token, key = actions.do_create_api_token(user, name=name, acting_user=None)
        except ValidationError as refused:
            raise CommandError(" ".join(refused.messages)) from refused
        days = tokens.token_days()
        self.stderr.write(f"Token {token.name!r} for {username} expires on {token.expires:%d %B %Y} ({days} days).")
        self.stdout.write(key)

from django.core.management.base import BaseCommand, CommandError

from core.models import User
from core.second_factor import do_reset_second_factor, needs_second_factor


class Command(BaseCommand):
    help = (
        "Remove USERNAME's authenticator app (a lost or replaced phone). Their next sign-in asks them to set up "
        "a new one. Check who is asking before you run it: it is the recovery route for a second factor."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--by", metavar="ADMIN_USERNAME", help="The administrator resetting it (for the audit).")

    def handle(self, username, by=None, **options):
        user = self.user(username)
        acting_user = self.user(by) if by else None
        removed = do_reset_second_factor(user, acting_user=acting_user)
        next_step = "must set up" if needs_second_factor(user) else "may set up"
        self.stdout.write(
            f"Removed {removed} device(s) of {username}; they {next_step} a new one at their next sign-in."
        )

    @staticmethod
    def user(username):
        try:
            return User.objects.get(username=username)
        except User.DoesNotExist as missing:
            raise CommandError(f"No user named {username!r}.") from missing

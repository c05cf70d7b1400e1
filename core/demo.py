"""Shared helpers for the synthetic demo data. Every name in the demo is invented."""

from base64 import b32decode

from django_otp.plugins.otp_totp.models import TOTPDevice

from core.models import User
from core.second_factor import needs_second_factor

DEMO_PASSWORD = "vigil-demo-password"  # noqa: S105 - demo only, printed by `make run`
# One published authenticator key for every demo login that needs a second factor (printed by `make run`):
# add it once to an authenticator app, or run `manage.py demo_code`. Demo only, like the password.
DEMO_TOTP_KEY = "VIGILDEMOVIGILDEMOVIGILDEMOVIGIL"


def ensure_user(username, *, role, organisation, first_name="", last_name=""):
    user, created = User.objects.get_or_create(
        username=username,
        defaults={
            "role": role,
            "organisation": organisation,
            "first_name": first_name,
            "last_name": last_name,
            "email": f"{username}@example.invalid",
        },
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    ensure_demo_second_factor(user)
    return user


def ensure_demo_second_factor(user):
    """Give a demo user who needs a second factor the demo authenticator key (once; never replaced)."""
    if needs_second_factor(user) and not TOTPDevice.objects.filter(user=user).exists():
        TOTPDevice.objects.create(user=user, name="Demo authenticator", key=b32decode(DEMO_TOTP_KEY).hex())


def print_logins(stdout):
    stdout.write("Demo logins (* asks for a code from an authenticator app after the password):")
    for user in User.objects.exclude(role="").select_related("organisation").order_by("role", "username"):
        where = user.organisation.name if user.organisation else ""
        code = "*" if needs_second_factor(user) else " "
        stdout.write(f"{code} {user.username:<24} {user.get_role_display():<36} {where}")


def print_second_factor(stdout):
    stdout.write(
        f"Authenticator key for every * login: {DEMO_TOTP_KEY} (time-based, 6 digits), or scan:\n"
        f"  otpauth://totp/Vigil%20demo?secret={DEMO_TOTP_KEY}&issuer=Vigil%20demo&digits=6&period=30\n"
        "  No authenticator app? `.venv/bin/python manage.py demo_code` prints the current code."
    )


DEMO_ICB_CODE = "QZZ"  # the synthetic demo ICB's ODS code (no real organisation has it)
DEMO_LOGINS = [
    ("designated", "Designated professional"),
    ("admin", "Safeguarding administrator"),
    ("executive", "Executive lead for safeguarding"),
    ("board", "Board member (read only)"),
    ("contracts", "Contract manager"),
    ("hr", "HR / allegations officer"),
    ("auditor", "Auditor"),
    ("provider.za1", "Provider user (an acute trust)"),
    ("regional.midlands", "Regional safeguarding lead (NHS England: roll-ups only)"),
    ("national", "National safeguarding team (NHS England: roll-ups only)"),
]


def demo_logins():
    """The demo's logins for the sign-in page, while the demo ICB is loaded (never in a real deployment, which has
    no organisation with the demo's ODS code); each says whether it asks for an authenticator code."""
    from organisations.models import Organisation

    if not Organisation.objects.filter(ods_code=DEMO_ICB_CODE).exists():
        return []
    users = {u.username: u for u in User.objects.filter(username__in=[name for name, _ in DEMO_LOGINS])}
    return [(name, role, needs_second_factor(users[name])) for name, role in DEMO_LOGINS if name in users]

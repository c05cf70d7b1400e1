"""Shared helpers for the synthetic demo data. Every name in the demo is invented."""

from core.models import User

DEMO_PASSWORD = "vigil-demo-password"  # noqa: S105 - demo only, printed by `make run`


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
    return user


def print_logins(stdout):
    stdout.write("Demo logins:")
    for user in User.objects.exclude(role="").select_related("organisation").order_by("role", "username"):
        where = user.organisation.name if user.organisation else ""
        stdout.write(f"  {user.username:<24} {user.get_role_display():<36} {where}")

"""Reminders: every app may have a `reminders.py` whose `collect(today)` yields `Due` items.

`send_due_reminders(today)` e-mails each one through Django's e-mail backend and records it,
so the same key never reaches the same address twice on one day, however often cron runs it.
"""

from dataclasses import dataclass, field
from importlib import import_module

from django.apps import apps
from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils.module_loading import module_has_submodule

from core.models import SentReminder


@dataclass(frozen=True)
class Due:
    key: str  # a stable name for the thing, e.g. "assurance:assessment-due:42"
    recipients: list = field(default_factory=list)  # e-mail addresses
    subject: str = ""
    body: str = ""


def collectors():
    for config in apps.get_app_configs():
        if module_has_submodule(config.module, "reminders"):
            module = import_module(f"{config.name}.reminders")
            if hasattr(module, "collect"):
                yield module.collect


def send_due_reminders(today):
    """Send what is due today and not yet sent; returns the number of e-mails sent."""
    sent = 0
    for collect in collectors():
        for due in collect(today):
            for recipient in sorted({r for r in due.recipients if r}):
                if _record(due.key, recipient, today):
                    send_mail(due.subject, due.body, settings.DEFAULT_FROM_EMAIL, [recipient])
                    sent += 1
    return sent


def _record(key, recipient, today):
    """Claim the (key, recipient, day); False when it was already sent."""
    try:
        with transaction.atomic():
            SentReminder.objects.create(key=key[:200], recipient=recipient, sent_on=today)
    except IntegrityError:
        return False
    return True


def collect(today):
    """Overdue tracked actions: to the organisation's users and the ICB's designated professionals."""
    from core.choices import Role
    from core.models import TrackedAction, User
    from core.scoping import unreadable_types

    overdue = TrackedAction.objects.overdue(today).select_related("organisation")
    emails = {}
    for user in User.objects.filter(is_active=True).exclude(email="").only("email", "role", "organisation_id"):
        emails.setdefault(user.organisation_id, []).append((user.role, user.email))
    hidden_types = {role: set(unreadable_types(role)) for role in Role.values}
    for action in overdue:
        icb_id = action.organisation.icb_id
        candidates = list(emails.get(action.organisation_id, []))
        candidates += [(role, e) for role, e in emails.get(icb_id, []) if role == Role.DESIGNATED]
        # Like the tracker: an action from a register is told only to those who may read that register.
        recipients = [e for role, e in candidates if action.source_type_id not in hidden_types.get(role, ())]
        yield Due(
            key=f"core:action-overdue:{action.pk}",
            recipients=recipients,
            subject=f"Overdue safeguarding action: {action.organisation.name}",
            body=f"The action '{action.title}' (owner {action.owner}) was due on {action.due_date:%d %B %Y} "
            f"and is not complete. Source: {action.source_label}.",
        )

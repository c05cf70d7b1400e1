"""Who reminders go to: the e-mail addresses of active users, by organisation and role, read once."""

from collections import defaultdict

from core.models import User


class AddressBook:
    """Every active user with an e-mail address, loaded with one query."""

    def __init__(self, users=None):
        users = User.objects.filter(is_active=True).exclude(email="") if users is None else users
        self._by_organisation = defaultdict(list)
        for organisation_id, role, email in users.values_list("organisation_id", "role", "email"):
            self._by_organisation[organisation_id].append((role, email))

    def emails(self, organisation_id, roles=None):
        """Addresses of the organisation's users (of `roles` only, when given), in loading order."""
        return [
            email for role, email in self._by_organisation.get(organisation_id, []) if roles is None or role in roles
        ]

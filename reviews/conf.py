"""The one place this app reads its settings (`settings.VIGIL["REVIEWS_..."]`).

Each default comes from a source; docs/reviews.md lists every key with its source.
"""

from core import conf

DEFAULTS = {
    # Working days before a milestone or contribution is due when a reminder is sent.
    "REVIEWS_REMINDER_WORKING_DAYS": 5,
    # Largest terms-of-reference upload, in bytes (10 MB).
    "REVIEWS_TOR_MAX_BYTES": 10 * 1024 * 1024,
}


def setting(name, default=None):
    """A value from settings.VIGIL, else this app's default, else `default`."""
    return conf.setting(name, DEFAULTS, default)

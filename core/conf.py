"""Module settings: one way to read `settings.VIGIL` (which config/settings.py fills, and which
VIGIL_<KEY> environment variables override), falling back to the module's own defaults.

Each app keeps its defaults, with their sources, in one place (`<app>/conf.py`) and reads through here.
"""

from django.conf import settings

MISSING = object()


def setting(name, defaults=None, default=MISSING):
    """`settings.VIGIL[name]` when set, else `defaults[name]`, else `default`; KeyError when none applies."""
    configured = getattr(settings, "VIGIL", None) or {}
    if name in configured:
        return configured[name]
    if defaults and name in defaults:
        return defaults[name]
    if default is not MISSING:
        return default
    raise KeyError(f"{name} is not a Vigil setting and has no default")

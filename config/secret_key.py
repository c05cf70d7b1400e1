"""The secret key: from the environment, or generated once into var/ and kept there.

A key published in the repository (the development default of early versions) is refused outside
DEBUG, so a deployment can never sign sessions and password-reset links with a key anyone can read.
"""

import os
import secrets
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

# Keys that were ever committed to the repository: anyone can forge sessions signed with them.
PUBLISHED_KEYS = frozenset({"vigil-development-only-secret-key-change-me"})
# The signals app's development key for NHS numbers (signals.crypto): refused outside DEBUG like the above.
PUBLISHED_SIGNALS_KEYS = frozenset({"vigil-signals-development-key-change-me"})


def load_or_create(path: Path) -> str:
    """The key stored at `path`, creating it (mode 600) on first use.

    Several gunicorn workers may start at once: the key is written to a private temporary file and
    linked into place, which fails if another process got there first, so every process reads one key.
    """
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w") as handle:
            handle.write(secrets.token_urlsafe(64))
        try:
            os.link(temporary, path)
        except FileExistsError:
            pass
        finally:
            temporary.unlink()
    key = path.read_text().strip()
    if not key:
        raise ImproperlyConfigured(f"The secret key file {path} is empty: delete it to generate a new key.")
    return key


def secret_key(*, environ_value: str | None, key_file: Path, debug: bool) -> str:
    key = environ_value or load_or_create(key_file)
    if key in PUBLISHED_KEYS and not debug:
        raise ImproperlyConfigured(
            "SECRET_KEY is a key published in the Vigil repository. Set SECRET_KEY to a long random value "
            f"(or unset it to have one generated into {key_file})."
        )
    return key


def signals_key(*, environ_value: str | None, key_file: Path, debug: bool) -> str:
    """The key that encrypts NHS numbers at rest and keys their matching hash (signals.crypto): VIGIL_SIGNALS_KEY,
    or generated once into `key_file`. Losing it loses every stored NHS number: back it up with the database
    (kept apart from it). The published development key, or one shorter than 32 characters, is refused outside
    DEBUG."""
    key = environ_value or load_or_create(key_file)
    if not debug and (key in PUBLISHED_SIGNALS_KEYS or len(key) < 32):
        raise ImproperlyConfigured(
            "VIGIL_SIGNALS_KEY is a published or short key. Set it to a long random value (at least 32 characters), "
            f"or unset it to have one generated into {key_file}."
        )
    return key

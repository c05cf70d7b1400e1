"""API token keys: made here, stored only as a digest, looked up by digest.

Settings (core.conf): API_TOKEN_DAYS (90) how long a token works; API_TOKEN_MAX_PER_USER (10).
"""

import hashlib
import secrets

from core.conf import setting

DEFAULTS = {"API_TOKEN_DAYS": 90, "API_TOKEN_MAX_PER_USER": 10}
PREFIX_LENGTH = 8


def token_days():
    return int(setting("API_TOKEN_DAYS", DEFAULTS))


def max_tokens_per_user():
    return int(setting("API_TOKEN_MAX_PER_USER", DEFAULTS))


def new_key():
    return secrets.token_urlsafe(32)


def digest(key):
    return hashlib.sha256(key.encode()).hexdigest()

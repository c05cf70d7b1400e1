"""NHS numbers at rest: encrypted (Fernet: AES-128-CBC with an HMAC-SHA256 tag, a fresh IV each time, so two
encryptions of one number differ) and matched by an HMAC-SHA256 keyed hash, never stored readable.

Both keys are derived with HKDF-SHA256 from `settings.SIGNALS_KEY` (env VIGIL_SIGNALS_KEY, or generated once into
var/signals_key: config/secret_key.py), each with its own label, so neither can be computed from the other.
"""

import base64
import hashlib
import hmac
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings


def _derive(master, label):
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=label).derive(master.encode())


@lru_cache(maxsize=4)
def _keys(master):
    fernet = Fernet(base64.urlsafe_b64encode(_derive(master, b"vigil-signals-nhs-number-encryption")))
    return fernet, _derive(master, b"vigil-signals-nhs-number-matching")


def encrypt(nhs_number):
    return _keys(settings.SIGNALS_KEY)[0].encrypt(nhs_number.encode()).decode()


def decrypt(token):
    try:
        return _keys(settings.SIGNALS_KEY)[0].decrypt(token.encode()).decode()
    except InvalidToken as error:
        raise ValueError("The NHS number cannot be decrypted with the current VIGIL_SIGNALS_KEY.") from error


def matching_hash(nhs_number):
    """64 hex characters: the same number always gives the same hash under one key; without the key it cannot
    be recomputed (a plain hash of the 10-digit space would be reversed in seconds)."""
    return hmac.new(_keys(settings.SIGNALS_KEY)[1], nhs_number.encode(), hashlib.sha256).hexdigest()

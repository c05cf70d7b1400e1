"""Settings for the test suite: the production settings, served over plain http by the test client.

The test client and the end-to-end live server speak http, so HTTPS redirection and secure-only
cookies are off (VIGIL_HTTPS=0, also inherited by subprocesses a test starts), and static files use
the plain storage, which needs no collectstatic. Everything else is config/settings.py unchanged.
"""

import os

os.environ.setdefault("VIGIL_HTTPS", "0")

from config.settings import *  # noqa: E402, F403

STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Find static files through the finders on request, as `make dev` does, instead of scanning STATIC_ROOT
# (which the suite never fills) for every test client.
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True

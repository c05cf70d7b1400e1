"""core.conf.setting: the one way every module reads its settings."""

import pytest

from core.conf import setting

DEFAULTS = {"APP_DAYS": 5, "APP_KIND": "calendar"}


def test_a_configured_value_wins_over_the_default(settings):
    settings.VIGIL = {"APP_DAYS": 10}
    assert setting("APP_DAYS", DEFAULTS) == 10
    assert setting("APP_KIND", DEFAULTS) == "calendar"


def test_a_configured_false_or_zero_is_kept(settings):
    settings.VIGIL = {"APP_DAYS": 0}
    assert setting("APP_DAYS", DEFAULTS) == 0


def test_without_vigil_settings_the_default_applies(settings):
    del settings.VIGIL
    assert setting("APP_DAYS", DEFAULTS) == 5


def test_an_explicit_default_covers_a_name_without_a_module_default(settings):
    settings.VIGIL = {}
    assert setting("REVIEWS_SOMETHING", DEFAULTS, 7) == 7
    assert setting("REVIEWS_SOMETHING", default=None) is None
    settings.VIGIL = {"REVIEWS_SOMETHING": 3}
    assert setting("REVIEWS_SOMETHING", DEFAULTS, 7) == 3


def test_an_unknown_name_without_any_default_is_an_error(settings):
    settings.VIGIL = {}
    with pytest.raises(KeyError, match="APP_TYPO"):
        setting("APP_TYPO", DEFAULTS)

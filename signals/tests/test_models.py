"""NHS numbers at rest: the database column never holds a readable number; the keyed hash matches; the key is
refused in production when published or short; who may read person-level records."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection

from config.secret_key import PUBLISHED_SIGNALS_KEYS, signals_key
from core.choices import Role
from signals import crypto
from signals.models import PERSON_LEVEL_MODELS, Attendance, Child, SignalRule
from signals.tests.factories import attendance_rows, days_before_today, import_attendances, nhs_numbers


@pytest.fixture
def imported(world):
    number = nhs_numbers(1)[0]
    import_attendances(
        world.provider,
        world.user(Role.PROVIDER),
        attendance_rows(number, days_before_today(3000)[0], days_before_today(5)),
    )
    return number


class TestEncryptionAtRest:
    def test_the_columns_never_hold_the_readable_number(self, world, imported):
        with connection.cursor() as cursor:
            cursor.execute("SELECT nhs_number_encrypted, nhs_number_hash FROM signals_child")
            rows = cursor.fetchall()
        assert len(rows) == 1
        for value in rows[0]:
            assert imported not in value
            assert imported[:5] not in value and imported[-5:] not in value
        child = Child.objects.get()
        assert child.nhs_number == imported
        assert child.masked_nhs_number == f"*** *** {imported[-4:]}"
        assert imported not in str(child)

    def test_two_encryptions_differ_and_the_hash_matches(self, settings):
        number = nhs_numbers(1)[0]
        assert crypto.encrypt(number) != crypto.encrypt(number)
        assert crypto.matching_hash(number) == crypto.matching_hash(number)
        other = crypto.matching_hash(number)
        settings.SIGNALS_KEY = "another-key-of-at-least-thirty-two-characters"
        assert crypto.matching_hash(number) != other
        with pytest.raises(ValueError, match="cannot be decrypted"):
            crypto.decrypt(crypto._keys("k" * 40)[0].encrypt(b"9990001001").decode())

    def test_the_audit_trail_keeps_no_number(self, world, imported):
        from auditlog.models import LogEntry

        for entry in LogEntry.objects.all():
            assert imported not in str(entry.changes) and imported not in entry.object_repr


class TestKey:
    def test_a_published_or_short_key_is_refused_outside_debug(self, tmp_path):
        published = next(iter(PUBLISHED_SIGNALS_KEYS))
        with pytest.raises(ImproperlyConfigured):
            signals_key(environ_value=published, key_file=tmp_path / "k", debug=False)
        with pytest.raises(ImproperlyConfigured):
            signals_key(environ_value="short", key_file=tmp_path / "k", debug=False)
        assert signals_key(environ_value=published, key_file=tmp_path / "k", debug=True) == published

    def test_a_key_is_generated_once_when_none_is_given(self, tmp_path):
        first = signals_key(environ_value=None, key_file=tmp_path / "k", debug=False)
        assert len(first) >= 32
        assert signals_key(environ_value=None, key_file=tmp_path / "k", debug=False) == first


class TestWhoReads:
    def test_only_the_receiving_organisations_safeguarding_users_read_person_level_records(self, world, imported):
        for model in PERSON_LEVEL_MODELS:
            assert model.access.view == {Role.PROVIDER}, model
        assert Attendance.objects.restrict(world.user(Role.PROVIDER)).count() == 1
        assert Attendance.objects.restrict(world.other_provider_user).count() == 0
        for role in Role.values:
            if role != Role.PROVIDER:
                assert Child.objects.restrict(world.user(role)).count() == 0, role
                assert Attendance.objects.restrict(world.user(role)).count() == 0, role

    def test_the_icb_reads_the_rules_not_the_children(self, world):
        from signals.actions import ensure_rules

        ensure_rules(world.provider)
        assert SignalRule.objects.restrict(world.user(Role.DESIGNATED)).count() == len(ensure_rules(world.provider))
        assert SignalRule.objects.restrict(world.user(Role.DESIGNATED), "change").count() == 0
        assert SignalRule.objects.restrict(world.user(Role.REGIONAL)).count() == 0

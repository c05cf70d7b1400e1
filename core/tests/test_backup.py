"""Backup and restore: one encrypted archive of the database and the uploaded files, restored into an empty
database with every table's row count and every file's checksum checked; a changed archive is refused."""

import hashlib
import io
import uuid
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from core import backup
from core.testing import World, replay_data_migrations

KEY = backup.new_key()


@pytest.fixture
def key_in_environment(monkeypatch):
    monkeypatch.setenv(backup.KEY_VARIABLE, KEY)


# --- the key ---------------------------------------------------------------------------------------------


def test_a_new_key_is_read_back_from_the_environment():
    assert len(backup.key_from_environment({backup.KEY_VARIABLE: backup.new_key()})) == 32


@pytest.mark.parametrize("value", ["", "   ", "not base64!", "c2hvcnQ="])
def test_a_missing_or_malformed_key_is_refused(value):
    with pytest.raises(backup.BackupError, match=backup.KEY_VARIABLE):
        backup.key_from_environment({backup.KEY_VARIABLE: value})


def test_the_key_command_prints_a_usable_key():
    out = io.StringIO()
    call_command("backup_key", stdout=out)
    assert len(backup.key_from_environment({backup.KEY_VARIABLE: out.getvalue().strip()})) == 32


@pytest.mark.django_db
def test_backup_refuses_to_run_without_a_key(monkeypatch, tmp_path):
    monkeypatch.delenv(backup.KEY_VARIABLE, raising=False)
    with pytest.raises(CommandError, match=backup.KEY_VARIABLE):
        call_command("backup", output=tmp_path / "b.vigil-backup")
    assert not list(tmp_path.iterdir())


# --- encryption in chunks --------------------------------------------------------------------------------


def sealed(data, key=None, chunk=16):
    raw = io.BytesIO()
    writer = backup.EncryptingWriter(raw, key or backup.key_from_environment({backup.KEY_VARIABLE: KEY}))
    writer.write(data)
    writer.close()
    return raw.getvalue()


def opened(data, key=None):
    reader = backup.DecryptingReader(io.BytesIO(data), key or backup.key_from_environment({backup.KEY_VARIABLE: KEY}))
    return reader.read()


@pytest.fixture
def small_chunks(monkeypatch):
    monkeypatch.setattr(backup, "CHUNK", 16)


@pytest.mark.parametrize("size", [0, 1, 16, 17, 100])
def test_what_is_sealed_opens_again_whatever_its_size(small_chunks, size):
    data = bytes(range(256))[:size] * 1
    assert opened(sealed(data)) == data


def test_the_archive_does_not_hold_the_plain_text(small_chunks):
    assert b"Provider One" not in sealed(b"Provider One " * 10)


@pytest.mark.parametrize("position", [20, 40, -1])
def test_a_changed_byte_is_refused(small_chunks, position):
    data = bytearray(sealed(b"x" * 100))
    data[position] ^= 1
    with pytest.raises(backup.BackupError):
        opened(bytes(data))


def test_a_truncated_archive_is_refused(small_chunks):
    data = sealed(b"x" * 100)
    record = backup.RECORD.size + 16 + 16  # the last record: header, empty chunk... cut inside the data
    with pytest.raises(backup.BackupError, match="cut short|authenticate"):
        opened(data[: len(data) - record])


def test_dropping_the_last_chunk_is_refused(small_chunks):
    data = sealed(b"x" * 40)  # two full chunks, then a last one of 8 bytes
    last = backup.RECORD.size + 8 + 16  # its record header, its 8 bytes and their tag
    with pytest.raises(backup.BackupError, match="cut short"):
        opened(data[:-last])


def test_data_appended_after_the_end_is_refused(small_chunks):
    with pytest.raises(backup.BackupError, match="after its end"):
        opened(sealed(b"x" * 20) + b"more")


def test_another_key_does_not_open_it(small_chunks):
    other = backup.key_from_environment({backup.KEY_VARIABLE: backup.new_key()})
    with pytest.raises(backup.BackupError, match="authenticate"):
        opened(sealed(b"x" * 20), key=other)


def test_something_else_is_not_taken_for_an_archive():
    with pytest.raises(backup.BackupError, match="not a Vigil backup"):
        opened(b"PK\x03\x04 a zip file")


# --- round trip on the database the suite runs on (SQLite or PostgreSQL) ----------------------------------


def put_media(root):
    files = {
        "assurance/evidence/7/policy.pdf": b"%PDF-1.4 synthetic policy",
        "reviews/tor/2026/tor.docx": bytes(range(256)) * 50,
        "reporting/2026/quarterly-assurance-1-v1.xlsx": b"PK\x03\x04 synthetic",
    }
    for name, content in files.items():
        path = Path(root) / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
    return {name: hashlib.sha256(content).hexdigest() for name, content in files.items()}


def checksums(root):
    return {path.relative_to(root).as_posix(): backup.sha256_of(path) for path in backup.files_under(root)}


class ScratchDatabase:
    """An empty database of the suite's kind: a new SQLite file, or a PostgreSQL database created for the
    test (and dropped after it)."""

    def __init__(self, tmp_path):
        self.vendor = connection.vendor
        if self.vendor == "sqlite":
            self.path = tmp_path / "restored.sqlite3"
            self.url = f"sqlite:///{self.path}"
            self.settings = {"ENGINE": "django.db.backends.sqlite3", "NAME": str(self.path)}
            return
        self.name = f"{connection.settings_dict['NAME']}_restore_{uuid.uuid4().hex[:8]}"
        self.settings = {**connection.settings_dict, "NAME": self.name}
        admin = self._admin()
        admin.execute(f'CREATE DATABASE "{self.name}"')
        admin.close()
        s = connection.settings_dict
        password = f":{s['PASSWORD']}" if s.get("PASSWORD") else ""
        self.url = f"postgres://{s['USER']}{password}@{s['HOST'] or 'localhost'}:{s['PORT'] or 5432}/{self.name}"

    def _admin(self):
        return backup.Database({**connection.settings_dict, "NAME": "postgres"}).connect_postgresql(autocommit=True)

    def untouched(self):
        if self.vendor == "sqlite":
            return not self.path.exists()
        return self.counts() == {}

    def counts(self):
        return backup.table_counts(backup.Database(self.settings))

    def drop(self):
        if self.vendor == "postgresql":
            admin = self._admin()
            admin.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
            admin.close()


@pytest.fixture
def scratch(tmp_path):
    database = ScratchDatabase(tmp_path)
    yield database
    database.drop()


@pytest.fixture
def filled(transactional_db, settings):
    """Committed data (a backup from another process must see it): reference data and a small world."""
    replay_data_migrations()
    world = World()
    from casework.tests import factories

    factories.allegation(world)
    factories.escalation(world, stages=[factories.RECENT])
    return put_media(settings.MEDIA_ROOT)


def source_counts():
    return (
        backup.table_counts(backup.Database(connection.settings_dict))
        if connection.vendor != "sqlite"
        else (backup._sqlite_counts(connection.connection))
    )


def test_a_backup_restores_into_an_empty_database_with_every_row_and_file(
    filled, scratch, settings, tmp_path, key_in_environment
):
    archive = tmp_path / "vigil.vigil-backup"
    call_command("backup", output=archive, stdout=io.StringIO())
    assert archive.stat().st_mode & 0o777 == 0o600
    restored_media = tmp_path / "restored-media"
    out = io.StringIO()
    call_command("restore", archive, into=scratch.url, media_root=restored_media, stdout=out)
    expected = source_counts()
    assert len(expected) > 30 and sum(expected.values()) > 100  # every app's tables, with rows
    assert scratch.counts() == expected
    assert checksums(restored_media) == filled == checksums(settings.MEDIA_ROOT)
    assert "all checked" in out.getvalue()


def test_a_tampered_archive_is_refused_and_nothing_is_restored(filled, scratch, tmp_path, key_in_environment):
    archive = tmp_path / "vigil.vigil-backup"
    call_command("backup", output=archive, stdout=io.StringIO())
    data = bytearray(archive.read_bytes())
    data[len(data) // 2] ^= 0x01
    archive.write_bytes(bytes(data))
    with pytest.raises(CommandError, match="does not authenticate"):
        call_command("restore", archive, into=scratch.url, media_root=tmp_path / "restored-media")
    assert scratch.untouched()
    assert not (tmp_path / "restored-media").exists()
    with pytest.raises(CommandError, match="does not authenticate"):
        call_command("restore", archive, check=True)


def test_a_database_that_is_not_empty_is_refused_unless_replace_is_asked(filled, scratch, tmp_path, key_in_environment):
    archive = tmp_path / "vigil.vigil-backup"
    call_command("backup", output=archive, stdout=io.StringIO())
    media = tmp_path / "restored-media"
    call_command("restore", archive, into=scratch.url, media_root=media, stdout=io.StringIO())
    with pytest.raises(CommandError, match="not empty"):
        call_command("restore", archive, into=scratch.url, media_root=tmp_path / "other-media")
    call_command("restore", archive, into=scratch.url, media_root=media, replace=True, stdout=io.StringIO())
    assert scratch.counts() == source_counts()


def test_a_media_folder_that_holds_files_is_refused_before_the_database_is_touched(
    filled, scratch, tmp_path, key_in_environment
):
    archive = tmp_path / "vigil.vigil-backup"
    call_command("backup", output=archive, stdout=io.StringIO())
    media = tmp_path / "restored-media"
    put_media(media)
    with pytest.raises(CommandError, match="already holds files"):
        call_command("restore", archive, into=scratch.url, media_root=media)
    assert scratch.untouched()


def test_check_reads_a_whole_archive_without_restoring(filled, tmp_path, key_in_environment):
    archive = tmp_path / "vigil.vigil-backup"
    call_command("backup", output=archive, stdout=io.StringIO())
    out = io.StringIO()
    call_command("restore", archive, check=True, stdout=out)
    assert "is whole" in out.getvalue() and "3 files" in out.getvalue()


def test_a_manifest_that_does_not_match_its_files_is_refused(tmp_path, key_in_environment, settings, filled):
    archive = tmp_path / "vigil.vigil-backup"
    key = backup.key_from_environment()
    real_add = backup._add_file

    def lying_add(tar, path, name):
        entry = real_add(tar, path, name)
        return {**entry, "sha256": "0" * 64} if name.endswith("policy.pdf") else entry

    backup._add_file = lying_add
    try:
        backup.write_backup(archive, key=key, connection=connection, media_root=Path(settings.MEDIA_ROOT))
    finally:
        backup._add_file = real_add
    with pytest.raises(backup.BackupError, match="does not match its manifest: media/assurance/evidence/7/policy.pdf"):
        backup.open_backup(archive, key=key, folder=tmp_path / "out")


def test_an_archive_written_into_the_media_folder_does_not_back_itself_up(
    tmp_path, key_in_environment, settings, filled
):
    # A backup reads committed data, as from another process: inside a test's open write transaction (SQLite's
    # IMMEDIATE transactions) the online backup would wait for ever.
    archive = Path(settings.MEDIA_ROOT) / "backups" / "vigil.vigil-backup"
    manifest = backup.write_backup(
        archive, key=backup.key_from_environment(), connection=connection, media_root=settings.MEDIA_ROOT
    )
    assert sorted(entry["path"] for entry in manifest["media"]) == sorted(
        f"media/{name}" for name in put_media(tmp_path)
    )

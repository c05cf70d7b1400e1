"""Backup and restore of a whole Vigil: the database and every uploaded file, in one encrypted archive.

The archive is a gzipped tar holding `database/` (a `pg_dump` custom-format dump for PostgreSQL, a copy made
with SQLite's online backup API for SQLite), `media/` (every file under MEDIA_ROOT) and `manifest.json` (the
SHA-256 and size of every file, and the row count of every table taken from the same snapshot as the dump).
It is encrypted with AES-256-GCM in 1 MiB chunks (see `EncryptingWriter`), with the key in the environment
variable VIGIL_BACKUP_KEY. Any change to the archive fails authentication and the restore stops before it
writes anything. See docs/backup.md.
"""

import base64
import datetime as dt
import hashlib
import json
import os
import shutil
import sqlite3
import struct
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

KEY_VARIABLE = "VIGIL_BACKUP_KEY"
MAGIC = b"VIGIL-BACKUP-1\n"
CHUNK = 1024 * 1024
FORMAT = 1
MANIFEST = "manifest.json"
SQLITE, POSTGRESQL = "sqlite", "postgresql"


class BackupError(Exception):
    """A backup or restore that cannot go ahead; the message says why and what to do."""


# --- the key ---------------------------------------------------------------------------------------------


def new_key():
    return base64.urlsafe_b64encode(AESGCM.generate_key(bit_length=256)).decode()


def key_from_environment(environ=os.environ):
    text = environ.get(KEY_VARIABLE, "").strip()
    if not text:
        raise BackupError(f"Set {KEY_VARIABLE} to the backup key (make one with `manage.py backup_key`).")
    try:
        key = base64.urlsafe_b64decode(text.encode())
    except ValueError as error:
        raise BackupError(f"{KEY_VARIABLE} is not a key made by `manage.py backup_key`.") from error
    if len(key) != 32:
        raise BackupError(f"{KEY_VARIABLE} is not a key made by `manage.py backup_key` (it must be 32 bytes).")
    return key


# --- encryption in chunks --------------------------------------------------------------------------------
# Each chunk is sealed with AES-GCM under a nonce made of a random prefix, the chunk's number and a flag
# for the last chunk, with the file header as associated data: a changed, reordered, dropped or appended
# chunk, or a truncated file, fails authentication.

RECORD = struct.Struct(">BI")  # last-chunk flag, length of the sealed chunk


def _nonce(prefix, number, last):
    return prefix + struct.pack(">IB", number, 1 if last else 0)


class EncryptingWriter:
    """A binary file-like object that encrypts what is written to `raw`."""

    def __init__(self, raw, key):
        self.raw, self.aead, self.prefix = raw, AESGCM(key), os.urandom(7)
        self.header = MAGIC + self.prefix
        self.raw.write(self.header)
        self.buffer, self.number, self.closed = bytearray(), 0, False

    def write(self, data):
        self.buffer += data
        while len(self.buffer) > CHUNK:
            self._seal(bytes(self.buffer[:CHUNK]), last=False)
            del self.buffer[:CHUNK]
        return len(data)

    def _seal(self, chunk, *, last):
        sealed = self.aead.encrypt(_nonce(self.prefix, self.number, last), chunk, self.header)
        self.raw.write(RECORD.pack(int(last), len(sealed)) + sealed)
        self.number += 1

    def close(self):
        if not self.closed:
            self._seal(bytes(self.buffer), last=True)
            self.closed = True

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        if exc[0] is None:
            self.close()


class DecryptingReader:
    """A binary file-like object that reads and authenticates what EncryptingWriter wrote."""

    def __init__(self, raw, key):
        self.raw, self.aead = raw, AESGCM(key)
        self.header = raw.read(len(MAGIC) + 7)
        if not self.header.startswith(MAGIC) or len(self.header) != len(MAGIC) + 7:
            raise BackupError("This is not a Vigil backup archive.")
        self.prefix = self.header[len(MAGIC) :]
        self.buffer, self.number, self.done = bytearray(), 0, False

    def _open_next(self):
        record = self.raw.read(RECORD.size)
        if len(record) != RECORD.size:
            raise BackupError("The archive is cut short: it has been truncated or damaged.")
        last, length = RECORD.unpack(record)
        sealed = self.raw.read(length)
        try:
            chunk = self.aead.decrypt(_nonce(self.prefix, self.number, bool(last)), sealed, self.header)
        except InvalidTag as error:
            raise BackupError(
                "The archive does not authenticate: it has been changed or damaged, or the key is not the one it "
                "was made with."
            ) from error
        self.number += 1
        self.done = bool(last)
        if self.done and self.raw.read(1):
            raise BackupError("The archive has data after its end: it has been changed.")
        self.buffer += chunk

    def read(self, size=-1):
        while not self.done and (size < 0 or len(self.buffer) < size):
            self._open_next()
        size = len(self.buffer) if size < 0 else min(size, len(self.buffer))
        data = bytes(self.buffer[:size])
        del self.buffer[:size]
        return data

    def read_to_end(self):
        """Authenticate the rest of the archive (what the tar reader left unread)."""
        while not self.done:
            self._open_next()
            self.buffer.clear()


# --- databases -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Database:
    """Where a database is: Django's settings dict (ENGINE, NAME, USER, PASSWORD, HOST, PORT)."""

    settings: dict

    @property
    def vendor(self):
        engine = self.settings["ENGINE"]
        if "sqlite" in engine:
            return SQLITE
        if "postgresql" in engine:
            return POSTGRESQL
        raise BackupError(f"Backups cover SQLite and PostgreSQL, not {engine}.")

    def libpq_parameters(self):
        """Connection keywords for libpq (psycopg), from Django's settings and their OPTIONS (sslmode...)."""
        values = {
            "dbname": self.settings.get("NAME"),
            "user": self.settings.get("USER"),
            "password": self.settings.get("PASSWORD"),
            "host": self.settings.get("HOST"),
            "port": str(self.settings.get("PORT") or ""),
            **{k: str(v) for k, v in (self.settings.get("OPTIONS") or {}).items() if k in LIBPQ_ENVIRONMENT},
        }
        return {name: value for name, value in values.items() if value}

    def libpq_environment(self):
        """The same, as the environment of pg_dump and pg_restore (a password never on a command line)."""
        return {**os.environ, **{LIBPQ_ENVIRONMENT[k]: v for k, v in self.libpq_parameters().items()}}

    def connect_postgresql(self, **options):
        import psycopg

        return psycopg.connect(**self.libpq_parameters(), **options)


LIBPQ_ENVIRONMENT = {
    "dbname": "PGDATABASE",
    "user": "PGUSER",
    "password": "PGPASSWORD",
    "host": "PGHOST",
    "port": "PGPORT",
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
}


def _quote(name):
    return '"' + name.replace('"', '""') + '"'


def _sqlite_counts(connection):
    tables = [
        row[0]
        for row in connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
        )
    ]
    # table names come from the catalogue and are quoted as identifiers
    return {table: connection.execute(f"SELECT COUNT(*) FROM {_quote(table)}").fetchone()[0] for table in tables}  # noqa: S608


def _postgresql_counts(cursor):
    from psycopg import sql

    cursor.execute(
        "SELECT schemaname, tablename FROM pg_tables "
        "WHERE schemaname NOT IN ('pg_catalog', 'information_schema') ORDER BY schemaname, tablename"
    )
    counts = {}
    for schema, table in cursor.fetchall():
        cursor.execute(sql.SQL("SELECT COUNT(*) FROM {}.{}").format(sql.Identifier(schema), sql.Identifier(table)))
        counts[table if schema == "public" else f"{schema}.{table}"] = cursor.fetchone()[0]
    return counts


def dump_database(connection, folder):
    """Copy the database of a Django connection into `folder`; returns (file, {table: rows}) where the counts
    come from the same snapshot as the copy."""
    database = Database(connection.settings_dict)
    if database.vendor == SQLITE:
        connection.ensure_connection()
        target = Path(folder) / "db.sqlite3"
        copy = sqlite3.connect(target)
        try:
            connection.connection.backup(copy)
            counts = _sqlite_counts(copy)
        finally:
            copy.close()
        return target, counts
    target = Path(folder) / "db.pgdump"
    with database.connect_postgresql(autocommit=True) as snapshot_holder, snapshot_holder.cursor() as cursor:
        cursor.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = cursor.fetchone()[0]
        counts = _postgresql_counts(cursor)
        _run(["pg_dump", "--format=custom", f"--snapshot={snapshot}", f"--file={target}"], database)
        cursor.execute("COMMIT")
    return target, counts


def _run(command, database):
    result = subprocess.run(command, env=database.libpq_environment(), capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        raise BackupError(f"{command[0]} failed: {result.stderr.strip()}")


def table_counts(database):
    if database.vendor == SQLITE:
        connection = sqlite3.connect(database.settings["NAME"])
        try:
            return _sqlite_counts(connection)
        finally:
            connection.close()
    with database.connect_postgresql() as connection, connection.cursor() as cursor:
        return _postgresql_counts(cursor)


def is_empty(database):
    """True when the database has no table at all (a new database, before `migrate`)."""
    if database.vendor == SQLITE:
        name = database.settings["NAME"]
        return str(name) == ":memory:" or not Path(name).exists() or not table_counts(database)
    with database.connect_postgresql() as connection:
        return not connection.execute(
            "SELECT 1 FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema') LIMIT 1"
        ).fetchone()


def load_database(dump, database, *, replace):
    """Load a dump into `database` (empty, or emptied first when `replace`)."""
    if database.vendor == SQLITE:
        Path(database.settings["NAME"]).parent.mkdir(parents=True, exist_ok=True)
        source, target = sqlite3.connect(dump), sqlite3.connect(database.settings["NAME"])
        try:
            source.backup(target)  # replaces every page of the target
        finally:
            source.close()
            target.close()
        return
    # With `replace`, what the dump holds is dropped and loaded again in pg_restore's one transaction: a restore
    # that fails leaves the database as it was, never empty.
    clean = ["--clean", "--if-exists"] if replace else []
    _run(["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction", *clean, "-d",
          database.settings["NAME"], str(dump)], database)  # fmt: skip


# --- files -----------------------------------------------------------------------------------------------


def sha256_of(path):
    digest = hashlib.sha256()
    with open(path, "rb") as file:
        for block in iter(lambda: file.read(CHUNK), b""):
            digest.update(block)
    return digest.hexdigest()


def files_under(root):
    root = Path(root)
    if not root.is_dir():
        return []
    return sorted(path for path in root.rglob("*") if path.is_file() and not path.is_symlink())


class _HashingReader:
    def __init__(self, file):
        self.file, self.digest = file, hashlib.sha256()

    def read(self, size=-1):
        data = self.file.read(size)
        self.digest.update(data)
        return data


def _add_file(tar, path, name):
    """Add a file and return its manifest entry, hashing exactly the bytes archived (a file growing meanwhile
    is archived at the size it had when it was listed)."""
    info = tar.gettarinfo(str(path), arcname=name)
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    with open(path, "rb") as file:
        reader = _HashingReader(file)
        tar.addfile(info, reader)
    return {"path": name, "size": info.size, "sha256": reader.digest.hexdigest()}


# --- backup and restore ----------------------------------------------------------------------------------


def write_backup(output, *, key, connection, media_root):
    """Write the encrypted archive to `output` (through a partial file renamed at the end); returns the
    manifest."""
    output, media_root = Path(output).absolute(), Path(media_root).absolute()
    output.parent.mkdir(parents=True, exist_ok=True)
    partial = output.with_name(output.name + ".partial")
    with tempfile.TemporaryDirectory(prefix="vigil-backup-") as work:
        dump, counts = dump_database(connection, work)
        manifest = {
            "format": FORMAT,
            "created_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "database_vendor": Database(connection.settings_dict).vendor,
            "tables": counts,
        }
        descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            with (
                os.fdopen(descriptor, "wb") as raw,
                EncryptingWriter(raw, key) as sealed,
                tarfile.open(fileobj=sealed, mode="w|gz") as tar,
            ):
                manifest["database"] = _add_file(tar, dump, f"database/{dump.name}")
                manifest["media"] = [
                    _add_file(tar, path, f"media/{path.relative_to(media_root).as_posix()}")
                    for path in files_under(media_root)
                    if path not in (partial, output)  # an archive written into MEDIA_ROOT is not backed up
                ]
                data = json.dumps(manifest, indent=1, sort_keys=True).encode()
                info = tarfile.TarInfo(MANIFEST)
                info.size, info.mtime = len(data), int(dt.datetime.now(dt.UTC).timestamp())
                tar.addfile(info, _BytesReader(data))
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
    partial.replace(output)
    return manifest


class _BytesReader:
    def __init__(self, data):
        self.data = memoryview(data)

    def read(self, size=-1):
        size = len(self.data) if size < 0 else size
        chunk, self.data = self.data[:size], self.data[size:]
        return bytes(chunk)


def open_backup(archive, *, key, folder):
    """Decrypt and unpack `archive` into `folder` and check it against its manifest; returns the manifest.
    Raises BackupError when the archive is not whole and unchanged."""
    folder = Path(folder)
    with open(archive, "rb") as raw:
        reader = DecryptingReader(raw, key)
        try:
            with tarfile.open(fileobj=reader, mode="r|gz") as tar:
                tar.extractall(folder, filter="data")
        except (tarfile.TarError, EOFError, OSError) as error:
            raise BackupError(f"The archive cannot be unpacked: {error}") from error
        reader.read_to_end()
    manifest_path = folder / MANIFEST
    if not manifest_path.is_file():
        raise BackupError("The archive has no manifest.")
    manifest = json.loads(manifest_path.read_text())
    if manifest.get("format") != FORMAT:
        raise BackupError(f"This archive is in format {manifest.get('format')}; this Vigil reads format {FORMAT}.")
    listed = [manifest["database"], *manifest["media"]]
    problems = [entry["path"] for entry in listed if not _matches(folder / entry["path"], entry)]
    found = {path.relative_to(folder).as_posix() for path in files_under(folder)} - {MANIFEST}
    problems += sorted(found - {entry["path"] for entry in listed})
    if problems:
        raise BackupError("The archive does not match its manifest: " + ", ".join(problems[:10]))
    return manifest


def _matches(path, entry):
    return path.is_file() and path.stat().st_size == entry["size"] and sha256_of(path) == entry["sha256"]


def restore_backup(archive, *, key, database, media_root, replace=False):
    """Restore `archive` into `database` (a Database) and `media_root`, then check every table's row count
    and every file's checksum against the manifest. Refuses, before writing anything, a database or media
    folder that is not empty unless `replace`."""
    media_root = Path(media_root)
    with tempfile.TemporaryDirectory(prefix="vigil-restore-") as work:
        manifest = open_backup(archive, key=key, folder=work)
        if manifest["database_vendor"] != database.vendor:
            raise BackupError(
                f"This is a {manifest['database_vendor']} backup; it restores into {manifest['database_vendor']}, "
                f"not {database.vendor}."
            )
        if not replace and not is_empty(database):
            raise BackupError("The database is not empty: restore into an empty database, or pass --replace.")
        if not replace and files_under(media_root):
            raise BackupError(f"{media_root} already holds files: restore into an empty folder, or pass --replace.")
        load_database(Path(work) / manifest["database"]["path"], database, replace=replace)
        for entry in manifest["media"]:
            target = media_root / entry["path"].removeprefix("media/")
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(Path(work) / entry["path"], target)
    check_restore(manifest, database, media_root)
    return manifest


def check_restore(manifest, database, media_root):
    counts = table_counts(database)
    wrong = [
        f"{table}: {counts.get(table)} rows, {rows} expected"
        for table, rows in manifest["tables"].items()
        if counts.get(table) != rows
    ]
    wrong += [
        entry["path"]
        for entry in manifest["media"]
        if not _matches(Path(media_root) / entry["path"].removeprefix("media/"), entry)
    ]
    if wrong:
        raise BackupError("The restored copy differs from the backup: " + "; ".join(wrong[:10]))

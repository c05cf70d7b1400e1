import tempfile
from pathlib import Path

import dj_database_url
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from core.backup import BackupError, Database, key_from_environment, open_backup, restore_backup


class Command(BaseCommand):
    help = (
        "Restore an archive written by `manage.py backup` into an empty database and media folder, after "
        "checking it against its manifest; then check every table's row count and every file's checksum."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", type=Path)
        parser.add_argument(
            "--into",
            metavar="DATABASE_URL",
            help="Restore into this database instead of Vigil's own (to test a backup in a scratch database).",
        )
        parser.add_argument("--media-root", type=Path, help="Restore files here instead of MEDIA_ROOT.")
        parser.add_argument(
            "--replace",
            action="store_true",
            help="Restore over a database and media folder that are not empty (the database is emptied first).",
        )
        parser.add_argument(
            "--check", action="store_true", help="Only decrypt the archive and check it against its manifest."
        )

    def handle(self, archive, into=None, media_root=None, replace=False, check=False, **options):
        try:
            key = key_from_environment()
            if check:
                with tempfile.TemporaryDirectory(prefix="vigil-check-") as work:
                    manifest = open_backup(archive, key=key, folder=work)
                self.stdout.write(f"{archive} is whole: {self._summary(manifest)}.")
                return
            database = Database(dj_database_url.parse(into) if into else connection.settings_dict)
            if not into:
                connection.close()
            manifest = restore_backup(
                archive,
                key=key,
                database=database,
                media_root=media_root or Path(settings.MEDIA_ROOT),
                replace=replace,
            )
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Restored {archive} ({manifest['created_at']}): {self._summary(manifest)}, all checked.")

    @staticmethod
    def _summary(manifest):
        return (
            f"{len(manifest['tables'])} tables, {sum(manifest['tables'].values())} rows, {len(manifest['media'])} files"
        )

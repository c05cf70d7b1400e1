import datetime as dt
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from core.backup import BackupError, key_from_environment, write_backup


def default_output():
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    return Path(settings.VAR_DIR) / "backups" / f"vigil-{stamp}.vigil-backup"


class Command(BaseCommand):
    help = (
        "Write one encrypted archive of the database and every uploaded file, with a manifest of checksums "
        "(key in VIGIL_BACKUP_KEY; see docs/backup.md)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--output", type=Path, help="Archive to write (default: var/backups/vigil-<UTC time>).")

    def handle(self, output=None, **options):
        output = output or default_output()
        try:
            manifest = write_backup(
                output, key=key_from_environment(), connection=connection, media_root=Path(settings.MEDIA_ROOT)
            )
        except BackupError as error:
            raise CommandError(str(error)) from error
        rows = sum(manifest["tables"].values())
        self.stdout.write(
            f"Wrote {output}: {len(manifest['tables'])} tables, {rows} rows, {len(manifest['media'])} files."
        )

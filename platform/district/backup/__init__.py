"""Backups: one school into one encrypted file, restored as a new school; and the whole district.

    manage.py backup_school <code> [--out FILE]
    manage.py restore_school <FILE> --as <new code> [--name ...] [--number ...]
    manage.py backup_district [--out FILE]
    manage.py restore_district <FILE>          (into an empty database, then migrate_platform)

- encryption: AES-256-GCM (STREAM) under a per-file key derived from MASTER_KEY;
- container: the records inside (the pg_dump script, stored files) and the manifest, with the
  payload's SHA-256;
- dump: one snapshot for pg_dump and the manifest;
- restore: a school into a new schema (re-wrapped keys, re-sealed values, migrated forward), all in
  one transaction; the district into an empty database.

A backup is only as readable as MASTER_KEY is kept: without the key it was made under, neither the
file nor the school's data keys inside it open.
"""

from district.backup.container import verify
from district.backup.dump import district_backup, school_backup
from district.backup.encryption import BackupError
from district.backup.restore import district_restore, school_restore

__all__ = ["BackupError", "district_backup", "district_restore", "school_backup", "school_restore", "verify"]

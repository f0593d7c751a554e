#!/usr/bin/env bash
# Nightly PostgreSQL backup: custom-format dump, kept for 30 days.
# The dump holds ID numbers and mobiles encrypted; restoring it needs BZOPS_DATA_KEY, which must be
# backed up separately (never next to the dump).
set -euo pipefail
: "${BZOPS_BACKUP_DIR:=/var/backups/bzops}"
: "${PGDATABASE:=bzops}"
mkdir -p "$BZOPS_BACKUP_DIR"
target="$BZOPS_BACKUP_DIR/bzops-$(date +%Y%m%d-%H%M%S).dump"
pg_dump --format=custom --no-owner --file="$target.partial" "$PGDATABASE"
mv "$target.partial" "$target"
find "$BZOPS_BACKUP_DIR" -name 'bzops-*.dump' -mtime +30 -delete
echo "backup written: $target ($(du -h "$target" | cut -f1))"

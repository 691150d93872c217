#!/bin/sh
# The central's PostgreSQL on a fresh Debian server, as root: the two roles the audit log needs
# (deploy/postgres-roles.sql), the pg_trgm extension for name search, WAL archiving.
# Usage: sh deploy/postgresql/setup.sh OWNER_PASSWORD APP_PASSWORD
set -eu
[ $# -eq 2 ] || { echo "usage: $0 OWNER_PASSWORD APP_PASSWORD" >&2; exit 2; }
here="$(cd "$(dirname "$0")" && pwd)"
version="$(ls /etc/postgresql | sort -V | tail -n1)"
runuser -u postgres -- psql -v ON_ERROR_STOP=1 -v owner_pw="$1" -v app_pw="$2" -f "$here/../postgres-roles.sql"
runuser -u postgres -- psql -v ON_ERROR_STOP=1 -d adminduk -c 'CREATE EXTENSION IF NOT EXISTS pg_trgm'
install -d -o postgres -g postgres -m 0700 /var/backups/adminduk /var/backups/adminduk/wal /var/backups/adminduk/base
install -o root -g root -m 0644 "$here/archiving.conf" "/etc/postgresql/$version/main/conf.d/adminduk-archiving.conf"
systemctl restart postgresql
echo "PostgreSQL $version: database adminduk, roles adminduk_owner and adminduk_app, WAL archived to /var/backups/adminduk/wal"

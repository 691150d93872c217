import sys

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, connection, transaction

from adminduk.audit import roles
from adminduk.audit.actions import check_chain


class Command(BaseCommand):
    help = (
        "The audit log's hash chain. `adminduk audit verify` checks every entry in order and prints one line: "
        "OK with the number of entries and the chain head, or the first broken entry and why; exit status 1 when broken. "
        "`adminduk audit grant-app-role --role adminduk_app` (PostgreSQL, run as the tables' owner after every migrate): "
        "the application's role may only read and add to the audit log."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("verify", help="verify the hash chain (the result is kept for the dashboard)")
        grant = sub.add_parser("grant-app-role", help="PostgreSQL: give the application's role its rights (run as the owner)")
        grant.add_argument("--role", required=True, help="the role the application connects as, e.g. adminduk_app")
        grant.add_argument("--schema", default="public")
        grant.add_argument("--print", action="store_true", dest="print_only", help="print the SQL instead of running it")

    def handle(self, *args, action, **options):
        if action == "grant-app-role":
            return self.handle_grant(**options)
        check = check_chain()
        self.stdout.write(check.line())
        if not check.ok:
            self.stdout.flush()
            sys.exit(1)

    def handle_grant(self, role, schema, print_only, **options):
        try:
            statements = roles.app_role_statements(role, schema)
            if print_only:
                self.stdout.write(";\n".join(statements) + ";")
                return
            if connection.vendor != "postgresql":
                raise CommandError("roles exist on PostgreSQL only; on SQLite the hash chain is the protection")
            with transaction.atomic():
                roles.grant_app_role(connection, role, schema)
        except (ValueError, DatabaseError) as exc:
            raise CommandError(str(exc).strip().splitlines()[0]) from exc
        self.stdout.write(f"{role}: may read every table and write the others; on the audit log only SELECT and INSERT")

import os
import subprocess
import sys

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from adminduk.core import demo


def start_task_consumer() -> subprocess.Popen:
    """`adminduk run_huey` for this central, logging to DATA_DIR/tasks.log."""
    log = open(settings.DATA_DIR / "tasks.log", "ab")  # noqa: SIM115 - closed with the process
    env = {**os.environ, "ADMINDUK_MODE": settings.MODE, "ADMINDUK_ROLE": "central", "ADMINDUK_DATA_DIR": str(settings.DATA_DIR)}
    return subprocess.Popen([sys.executable, "-m", "adminduk", "run_huey", "--workers", "2"], env=env, stdout=log, stderr=subprocess.STDOUT)


class Command(BaseCommand):
    help = "Start adminduk with the demo Kota Palu on SQLite: migrate, load regions and offices, generate residents, create one account per role, serve."

    def add_arguments(self, parser):
        parser.add_argument("--residents", type=int, default=20_000, help="synthetic residents to generate (default 20,000)")
        parser.add_argument("--addr", default="127.0.0.1:8000", help="address:port to serve on")
        parser.add_argument("--no-serve", action="store_true", help="prepare everything but do not start the server")
        parser.add_argument("--node-addr", default="localhost:8001", help="address:port of the Mantikulore node's web UI")
        parser.add_argument("--no-node", action="store_true", help="do not set up and start the kecamatan node")

    def handle(self, *args, residents, addr, no_serve, node_addr, no_node, **options):
        if residents < 1:
            raise CommandError("--residents must be at least 1")
        if settings.MODE == "production":
            raise CommandError("the demo refuses to run with ADMINDUK_MODE=production")
        demo.prepare_demo(residents=residents, stdout=self.stdout)
        host, _, port = addr.rpartition(":")
        base = f"http://{host or '127.0.0.1'}:{port}"
        lines = [
            "",
            "adminduk demo — Kota Palu (72.71)",
            f"  database   {settings.DATABASES['default']['NAME']}",
            f"  open       {base}/",
            f"  admin      {base}/admin/",
            f"  API docs   {base}/api/docs",
            "",
            "  Every staff login needs a 6-digit code. Add the TOTP secret to an authenticator app,",
            "  or print the current code with:  .venv/bin/adminduk totp USERNAME",
            "",
            f"  {'username':<16} {'password':<27} {'role':<19} {'TOTP secret'}",
        ]
        lines += [
            f"  {a.username:<16} {a.password:<27} {a.role:<19} {a.totp_secret_base32}" for a in demo.DEMO_ACCOUNTS
        ]
        lines += ["", "  NIKs to search (Mantikulore): " + ", ".join(demo.sample_niks()), ""]
        node = None
        if not no_node:
            from adminduk.sync import demo as node_demo

            node = node_demo.prepare_demo_node(central_url=base, addr=node_addr)
            lines += [
                "  Kecamatan node — Kantor Camat Mantikulore (its own SQLite database, syncing in the background)",
                f"  open       {node.url}   (log in as op.mantikulore or spv.mantikulore once the first pull is done)",
                f"  sync page  {node.url}sinkronisasi/node/    central's view: {base}/sinkronisasi/central/",
                f"  data       {node.data_dir}   log: {node.data_dir / 'node.log'}",
                f"  station    {node.station.pk}",
                f"  CLI        ADMINDUK_MODE=demo ADMINDUK_ROLE=node ADMINDUK_DATA_DIR={node.data_dir} "
                f"DATABASE_URL=sqlite:///{node.data_dir / 'adminduk.sqlite3'} .venv/bin/adminduk node status",
                "",
            ]
        self.stdout.write("\n".join(lines))
        if not no_serve:
            # The central's processing pipeline runs on its own consumer (Huey on SQLite).
            worker = start_task_consumer()
            if node is not None:
                node_demo.start_demo_node(node, addr=node_addr)
            try:
                call_command("runserver", addr, use_reloader=False)
            finally:
                worker.terminate()
                if node is not None:
                    node.stop()
                worker.wait(timeout=10)

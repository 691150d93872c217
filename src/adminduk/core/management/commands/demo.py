import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from adminduk.core import demo
from adminduk.core.envfile import ENV_FILE_NAME, write_env_file
from adminduk.core.processes import sigterm_as_keyboard_interrupt, start_child, stop_children
from adminduk.planning import demo as planning_demo


def start_task_consumer() -> subprocess.Popen:
    """`adminduk run_huey` for this central, logging to DATA_DIR/tasks.log."""
    log = open(settings.DATA_DIR / "tasks.log", "ab")  # noqa: SIM115 - closed with the process
    env = {**os.environ, "ADMINDUK_MODE": settings.MODE, "ADMINDUK_ROLE": "central", "ADMINDUK_DATA_DIR": str(settings.DATA_DIR)}
    return start_child([sys.executable, "-m", "adminduk", "run_huey", "--workers", "2"], env=env, stdout=log, stderr=subprocess.STDOUT)


def start_web_server(addr: str) -> subprocess.Popen:
    """`adminduk serve` (gunicorn, as in production) for this central, in the foreground's output."""
    env = {**os.environ, "ADMINDUK_MODE": settings.MODE, "ADMINDUK_ROLE": "central", "ADMINDUK_DATA_DIR": str(settings.DATA_DIR)}
    return start_child([sys.executable, "-m", "adminduk", "serve", "--bind", addr, "--workers", "2", "--graceful-timeout", "5"], env=env)


def write_demo_env_file() -> Path:
    """DATA_DIR/adminduk.env: every `adminduk` command run with this data directory (by default
    ./var, so from the repository root) is a command of the demo central (adminduk.cli)."""
    values = {"ADMINDUK_MODE": settings.MODE, "ADMINDUK_ROLE": "central", "ADMINDUK_DATA_DIR": str(settings.DATA_DIR)}
    if os.environ.get("DATABASE_URL"):
        values["DATABASE_URL"] = os.environ["DATABASE_URL"]
    path = settings.DATA_DIR / ENV_FILE_NAME
    write_env_file(path, values, comment="Written by `adminduk demo`: the demo central's configuration (see README).")
    return path


def shown_path(path: Path) -> str:
    """`path` relative to the current directory when it lies below it (shorter to copy)."""
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


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
        sigterm_as_keyboard_interrupt()
        demo.prepare_demo(residents=residents, stdout=self.stdout)
        write_demo_env_file()
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
        lines += demo.portal_lines(base)
        lines += demo.booking_lines()
        lines += demo.civil_lines()
        lines += planning_demo.demo_lines(base)
        lines += demo.privacy_lines()
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
                f"  CLI        ADMINDUK_DATA_DIR={shown_path(node.data_dir)} .venv/bin/adminduk node status",
                "",
            ]
        self.stdout.write("\n".join(lines))
        if not no_serve:
            # The central's processing pipeline runs on its own consumer (Huey on SQLite).
            children = []
            try:
                children.append(start_task_consumer())
                if node is not None:
                    node_demo.start_demo_node(node, addr=node_addr)
                central = start_web_server(addr)
                children.insert(0, central)
                if central.wait() != 0:
                    self.stderr.write(f"the central's web server ended (exit status {central.returncode}); stopping the demo")
            except KeyboardInterrupt:
                pass  # Ctrl-C or SIGTERM: stop everything below, then end normally
            finally:
                stop_children([*children, *(node.processes if node is not None else [])])
                self.stdout.write("adminduk demo stopped (central web and task consumer, node web, sync and tasks).")

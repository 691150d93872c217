import os

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from adminduk.ops import serving


def bind_address(value: str) -> str:
    host, sep, port = value.rpartition(":")
    if value.startswith("unix:"):
        return value
    if not sep or not port.isdigit() or not 0 < int(port) < 65536:
        raise CommandError(f"--bind must be ADDRESS:PORT (or unix:/path), not {value!r}")
    return value


class Command(BaseCommand):
    help = (
        "Serve this central or node on gunicorn (several worker processes, threads each) with static files "
        "through WhiteNoise. SIGTERM stops gracefully, SIGHUP reloads the code without dropping requests."
    )

    def add_arguments(self, parser):
        parser.add_argument("--bind", default=os.environ.get("ADMINDUK_BIND", "127.0.0.1:8000"),
                            help="ADDRESS:PORT or unix:/path, comma separated for several (default ADMINDUK_BIND or 127.0.0.1:8000)")
        parser.add_argument("--workers", type=int, default=None,
                            help="worker processes (default ADMINDUK_WEB_WORKERS, else 2 x cores + 1 on PostgreSQL, 3 on SQLite)")
        parser.add_argument("--threads", type=int, default=int(os.environ.get("ADMINDUK_WEB_THREADS", "4")),
                            help="threads per worker (default ADMINDUK_WEB_THREADS or 4; 1 is gunicorn's sync worker, see the README)")
        parser.add_argument("--graceful-timeout", type=int, default=30, help="seconds a stopping worker may finish its requests")
        parser.add_argument("--access-log", default=os.environ.get("ADMINDUK_ACCESS_LOG", ""),
                            help="file for the access log, '-' for stdout (default: none; nginx keeps one)")
        parser.add_argument("--no-collectstatic", action="store_true", help="production: do not collect static files first")

    def handle(self, *args, bind, workers, threads, graceful_timeout, access_log, no_collectstatic, **options):
        for part in bind.split(","):
            bind_address(part.strip())
        if workers is None:
            workers = int(os.environ.get("ADMINDUK_WEB_WORKERS") or serving.default_workers())
        if workers < 1 or threads < 1 or graceful_timeout < 0:
            raise CommandError("--workers and --threads must be at least 1, --graceful-timeout at least 0")
        if settings.MODE == "production" and not no_collectstatic:
            # WhiteNoise serves the collected, fingerprinted and compressed files in production.
            if serving.collect_static_if_changed():
                self.stdout.write("Collected the static files (they changed since the last start).")
        serving.reset_metrics_dir(serving.metrics_dir())
        env = serving.serve_environment(
            bind=bind, workers=workers, threads=threads, graceful_timeout=graceful_timeout, access_log=access_log,
            name=f"adminduk-{settings.ROLE}",
        )
        self.stdout.write(f"adminduk serve: {settings.ROLE} on {bind} ({workers} workers x {threads} threads, gunicorn)")
        self.stdout.flush()
        command = serving.gunicorn_command()
        # Replace this process: the PID a supervisor (systemd, the demo) started is gunicorn's master.
        os.execve(command[0], command, env)

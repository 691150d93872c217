import signal
import time
import uuid

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db.models import Count
from tqdm import tqdm

from adminduk.accounts import stations
from adminduk.enrollment import sealing
from adminduk.sync import client as sync_client
from adminduk.sync.models import NodeState, OutboxPacket


class Command(BaseCommand):
    help = (
        "A kecamatan node's link to the central. `adminduk node init --central URL --station-id ID` sets it up "
        "(run it once without --station-id to create the key to register); `adminduk node sync` delivers the "
        "outbox and pulls master data now; `adminduk node status` shows the backlog and the last sync; "
        "`adminduk node run` keeps syncing in the background."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        init = sub.add_parser("init", help="set up this node (key, central, station, regions, first pull)")
        init.add_argument("--central", help="the central's base URL, e.g. https://adminduk.palukota.go.id")
        init.add_argument("--station-id", help="this node's station id, as registered at the central")
        init.add_argument("--central-public-key", help="the central's sealing key (base64); default: ask the central")
        init.add_argument("--kota", default=None, help="kab/kota code whose regions to load (default ADMINDUK_KOTA)")
        init.add_argument("--no-pull", action="store_true", help="do not pull master data now")
        sync = sub.add_parser("sync", help="deliver the outbox and pull master data now")
        sync.add_argument("--once", action="store_true", help="one batch and one page, then stop")
        sync.add_argument("--batch", type=int, default=None, help="at most this many packets per batch")
        sync.add_argument("--push-only", action="store_true")
        sync.add_argument("--pull-only", action="store_true")
        sync.add_argument("--retries", type=int, default=5, help="retries with backoff when the central is unreachable")
        sync.add_argument("--no-progress", action="store_true", help="no progress bar (for logs)")
        sub.add_parser("status", help="backlog, link state, last sync, rejected packets")
        run = sub.add_parser("run", help="sync in a loop (the node's background service)")
        run.add_argument("--interval", type=float, default=15.0, help="seconds between rounds when all is well")
        run.add_argument("--max-backoff", type=float, default=300.0)
        run.add_argument("--batch", type=int, default=None, help="at most this many packets per batch")

    def handle(self, *args, action, **options):
        if settings.ROLE != "node" and action != "status":
            self.stderr.write(self.style.WARNING("ADMINDUK_ROLE is not 'node'; this command is meant for a kecamatan node."))
        getattr(self, f"handle_{action}")(**options)

    # --- init ------------------------------------------------------------------------------------

    def handle_init(self, central, station_id, central_public_key, kota, no_pull, **options):
        call_command("migrate", interactive=False, verbosity=0)
        key_file = sync_client.key_path()
        if not key_file.exists():
            stations.write_keypair(key_file.parent)
            self.stdout.write(f"Created this node's station key: {key_file}")
        public = (key_file.parent / "station.pub").read_text().strip()
        if not station_id:
            self.stdout.write(
                f"Public key: {public}\nRegister it at the central:\n"
                f"  adminduk station register --kind node --office OFFICE-CODE --name NAME --public-key {key_file.parent / 'station.pub'}\n"
                "then run `adminduk node init --central URL --station-id ID`."
            )
            return
        if not central:
            raise CommandError("--central URL is required with --station-id")
        try:
            sync_client.require_https(central)
        except sync_client.NotConfigured as exc:
            raise CommandError(str(exc)) from exc
        try:
            uuid.UUID(station_id)
        except ValueError as exc:
            raise CommandError(f"{station_id!r} is not a station id") from exc
        self._load_regions(kota or settings.ADMINDUK_KOTA)
        NodeState.objects.update_or_create(pk=1, defaults={"central_url": central.rstrip("/"), "station_id": station_id})
        if central_public_key:
            self._write_central_key(central_public_key)
        try:
            with sync_client.NodeClient() as client:
                hello = client.hello()
                if not central_public_key:
                    self._write_central_key(hello["central_public_key"], announced=True)
                self.stdout.write(self.style.SUCCESS(
                    f"The central knows this node as {hello['station']['name']} of {hello['office']['name']} ({hello['office']['code']})."
                ))
                if not no_pull:
                    outcome = client.sync(push=False)
                    self.stdout.write(f"Pulled {outcome.pulled_residents:,} residents, {outcome.pulled_families:,} KK and the office's staff and stations.")
        except sync_client.SyncError as exc:
            self.stderr.write(self.style.WARNING(f"Set up, but the central did not answer yet: {exc}"))

    def _load_regions(self, kota):
        from adminduk.regions import codes, services
        from adminduk.regions.models import Kelurahan

        if not Kelurahan.objects.filter(code__startswith=kota + ".").exists():
            services.load_regions(codes.shipped_region_rows(), villages_under=kota)
            self.stdout.write(f"Loaded the regions of {kota}.")

    def _write_central_key(self, value, announced=False):
        key = sealing.decode_public_key(value)
        path = sealing.key_dir() / sealing.PUBLIC_KEY_FILE
        path.parent.mkdir(parents=True, exist_ok=True)
        text = sealing.public_key_b64(key)
        if path.exists() and path.read_text().strip() != text:
            raise CommandError(f"{path} holds another central key; remove it only if the central's key really changed")
        path.write_text(text + "\n")
        if announced:
            import hashlib

            fingerprint = hashlib.sha256(text.encode()).hexdigest()[:16]
            self.stdout.write(f"Central sealing key {fingerprint}… as announced by the central: compare it with the Dinas' letter.")

    # --- sync ------------------------------------------------------------------------------------

    def handle_sync(self, once, batch, push_only, pull_only, retries, no_progress, **options):
        if push_only and pull_only:
            raise CommandError("--push-only and --pull-only exclude each other")
        total = sync_client.backlog()
        bar = tqdm(total=total, unit="packet", desc="push", disable=no_progress or pull_only, file=self.stderr._out)
        delays = list(sync_client.retry_delays(retries, base=2.0))
        try:
            while True:
                try:
                    with sync_client.NodeClient(batch_packets=batch) as client:
                        outcome = client.sync(
                            push=not pull_only, pull=not push_only, once=once,
                            on_batch=lambda r: (bar.update(r.delivered + r.rejected), bar.set_postfix(kbit=f"{r.bytes * 8 / 1000 / max(r.seconds, 1e-3):,.0f}")),
                        )
                    break
                except sync_client.NotConfigured as exc:
                    raise CommandError(str(exc)) from exc
                except sync_client.SyncError as exc:
                    if not exc.offline or not delays:
                        raise CommandError(str(exc)) from exc
                    wait = delays.pop(0)
                    bar.write(f"{exc}; retrying in {wait:.1f} s")
                    time.sleep(wait)
        finally:
            bar.close()
        p = outcome.pushed
        self.stdout.write(self.style.SUCCESS(
            f"Delivered {p.delivered:,} packets ({p.duplicate:,} already at the central), {p.rejected:,} rejected; "
            f"pulled {outcome.pulled_residents:,} residents and {outcome.pulled_families:,} KK. Backlog now {sync_client.backlog():,}."
        ))

    # --- status ----------------------------------------------------------------------------------

    def handle_status(self, **options):
        state = NodeState.objects.filter(pk=1).first()
        counts = dict(OutboxPacket.objects.values_list("state").annotate(n=Count("pk")).values_list("state", "n"))
        if state is None:
            self.stdout.write("This node is not set up: run `adminduk node init`.")
        fmt = lambda t: t.isoformat(timespec="seconds") if t else "never"  # noqa: E731
        lines = [
            f"central            {getattr(state, 'central_url', '') or '-'}",
            f"station            {getattr(state, 'station_id', '') or '-'}",
            f"link               {state.get_link_state_display() if state else '-'}",
            f"backlog            {counts.get('pending', 0):,} packets waiting",
            f"delivered          {counts.get('delivered', 0):,}",
            f"rejected           {counts.get('rejected', 0):,}",
            f"last sync          {fmt(getattr(state, 'last_sync_ok_at', None))}",
            f"last push          {fmt(getattr(state, 'last_push_ok_at', None))}",
            f"last pull          {fmt(getattr(state, 'last_pull_ok_at', None))}",
        ]
        if state and state.last_error:
            lines.append(f"last error         {state.last_error}")
        self.stdout.write("\n".join(lines))
        rejected = OutboxPacket.objects.filter(state=OutboxPacket.State.REJECTED).order_by("-rejected_at")[:10]
        for packet in rejected:
            self.stdout.write(f"  rejected {packet.id}  {packet.rejection_code}: {packet.rejection_reason}")

    # --- run -------------------------------------------------------------------------------------

    def handle_run(self, interval, max_backoff, batch, **options):
        stopping = []
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, lambda *a: stopping.append(True))
        self.stdout.write(f"Syncing every {interval:g} s; Ctrl-C to stop.")
        self.stdout.flush()

        def log(message):
            self.stdout.write(message)
            self.stdout.flush()

        import functools

        factory = functools.partial(sync_client.NodeClient, batch_packets=batch)
        sync_client.run_forever(interval=interval, max_backoff=max_backoff, stop=lambda: bool(stopping), log=log, client_factory=factory)

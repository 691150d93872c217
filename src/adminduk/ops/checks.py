"""adminduk's own deployment checks, run by `adminduk check --deploy` beside Django's:
keys present, the central reachable and the clocks agree (on a node), disk space, static files
collected, the secret key and hosts set. Each problem names what to do about it."""

import email.utils
import time
from pathlib import Path

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register

from . import health

# A node's signed requests are refused beyond this skew (sync.protocol); warn well before.
MAX_CLOCK_SKEW_SECONDS = 60.0


def _key_files() -> list[tuple[str, str]]:
    """(file name, what it is for) that must be in ADMINDUK_KEY_DIR for this role."""
    from adminduk.accounts.totp_keys import KEY_FILE

    files = [(KEY_FILE, "seals staff TOTP secrets")]
    if settings.ROLE == "central":
        from adminduk.enrollment.sealing import PRIVATE_KEY_FILE

        from adminduk.documents.signing import KEY_FILE as DOCUMENT_KEY_FILE

        files.append((PRIVATE_KEY_FILE, "opens the packets nodes seal to the central"))
        files.append((DOCUMENT_KEY_FILE, "signs the QR codes of the documents the central issues"))
    else:
        files.append(("station.key", "signs this node's packets and sync requests"))
    return files


@register(Tags.security, deploy=True)
def check_keys(app_configs=None, **kwargs):
    problems = []
    key_dir = Path(settings.ADMINDUK_KEY_DIR)
    for name, purpose in _key_files():
        path = key_dir / name
        if not path.is_file():
            problems.append(Error(f"missing key file {path} (it {purpose})", hint="restore it from the backup, or create it as the README's deployment section says", id="adminduk.E001"))
        elif path.stat().st_mode & 0o077:
            problems.append(Error(f"key file {path} is readable by others", hint=f"chmod 600 {path}", id="adminduk.E002"))
    if settings.ROLE == "node" and not settings.ADMINDUK_CENTRAL_PUBLIC_KEY and not (key_dir / "central-x25519.pub").is_file():
        problems.append(Error("the central's public key is not known", hint="set ADMINDUK_CENTRAL_PUBLIC_KEY or run `adminduk node init`", id="adminduk.E003"))
    return problems


@register(deploy=True)
def check_disk_space(app_configs=None, **kwargs):
    result = health.check_disk()
    if result.ok:
        return []
    return [Warning(f"disk of {settings.DATA_DIR}: {result.detail}", hint="free space or move ADMINDUK_DATA_DIR to a larger disk", id="adminduk.W001")]


@register(deploy=True)
def check_static_files(app_configs=None, **kwargs):
    if settings.MODE != "production":
        return []
    manifest = Path(settings.STATIC_ROOT) / "staticfiles.json"
    if not manifest.is_file():
        return [Error(f"static files are not collected in {settings.STATIC_ROOT}", hint="run `adminduk collectstatic --noinput` (`adminduk serve` does it at start)", id="adminduk.E004")]
    return []


@register(deploy=True)
def check_mode(app_configs=None, **kwargs):
    if settings.MODE != "production":
        return [Warning(f"ADMINDUK_MODE is {settings.MODE!r}", hint="a deployment runs with ADMINDUK_MODE=production (the default)", id="adminduk.W002")]
    return []


def _central_url() -> str:
    from adminduk.sync.models import NodeState

    url = settings.ADMINDUK_CENTRAL_URL
    if not url:
        try:
            state = NodeState.objects.filter(pk=1).first()
        except Exception:  # noqa: BLE001 - an unmigrated database is reported by `migrate`
            state = None
        url = state.central_url if state else ""
    return url.rstrip("/")


@register(deploy=True)
def check_central_reachable(app_configs=None, **kwargs):
    """A node: the central answers /healthz, and its clock agrees with this one."""
    if settings.ROLE != "node":
        return []
    import httpx

    url = _central_url()
    if not url:
        return [Error("this node does not know its central", hint="run `adminduk node init --central URL --station-id ID`", id="adminduk.E005")]
    started = time.time()
    try:
        response = httpx.get(f"{url}/healthz", timeout=10.0)
    except httpx.HTTPError as exc:
        return [Warning(f"the central at {url} is not reachable now ({type(exc).__name__})", hint="the node works offline and syncs later; check the link and the URL", id="adminduk.W003")]
    problems = []
    if response.status_code != 200:
        problems.append(Warning(f"the central at {url} answers /healthz with {response.status_code}", hint="ask the Dinas to look at the central", id="adminduk.W004"))
    date = response.headers.get("Date")
    if date:
        central_time = email.utils.parsedate_to_datetime(date).timestamp()
        skew = (started + time.time()) / 2 - central_time
        if abs(skew) > MAX_CLOCK_SKEW_SECONDS:
            problems.append(Error(
                f"this machine's clock is {skew:+.0f} s off the central's",
                hint="enable time synchronisation (systemd-timesyncd or chrony); signed sync requests are refused beyond the allowed skew",
                id="adminduk.E006",
            ))
    return problems

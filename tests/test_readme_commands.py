"""Every `adminduk` command the README documents, run the way the README shows it after
`adminduk demo` in a fresh directory (standing in for the repository root): none prints a
traceback, and the ones that can work there do. Configuration problems and bad arguments end
with one line saying what to fix and a non-zero exit status.

The commands run as real processes through the installed console script, with none of the
test run's ADMINDUK_* variables: what they need comes from ./var/adminduk.env, which the demo
writes (adminduk.cli)."""

import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
README = REPO / "README.md"
TRACEBACK = "Traceback (most recent call last)"
NIK = "7271085708450001"


def adminduk_script() -> list[str]:
    script = Path(sys.executable).parent / "adminduk"
    return [str(script)] if script.exists() else [sys.executable, "-m", "adminduk"]


def clean_env(**extra) -> dict:
    """The environment of a fresh shell: no ADMINDUK_* or DATABASE_URL from the test run."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("ADMINDUK_") and k not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"}}
    env.update(extra)
    return env


def run(args, cwd, timeout=180, **env):
    return subprocess.run([*adminduk_script(), *args], cwd=cwd, env=clean_env(**env), capture_output=True, text=True, timeout=timeout)


def run_then_interrupt(args, cwd, seconds, **env):
    """A long-running command (a loop, a consumer): let it work, then Ctrl-C."""
    process = subprocess.Popen([*adminduk_script(), *args], cwd=cwd, env=clean_env(**env), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    time.sleep(seconds)
    process.send_signal(signal.SIGINT)
    try:
        out, _ = process.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        out, _ = process.communicate()
        pytest.fail(f"{args} did not stop on Ctrl-C:\n{out}")
    return subprocess.CompletedProcess(args, process.returncode, out, "")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def readme_commands() -> list[str]:
    """The commands of the README's `adminduk` table ("`adminduk node sync` / `status`" is
    three commands), plus the totp command of the text."""
    commands = []
    for line in README.read_text().splitlines():
        match = re.match(r"\| (`adminduk [^|]*)\|", line)
        if not match:
            continue
        parts = re.findall(r"`([^`]*)`", match.group(1))
        first = parts[0]
        commands.append(first)
        stem = first.rsplit(" ", 1)[0]
        commands += [f"{stem} {part}" for part in parts[1:]]
    commands += re.findall(r"`\.venv/bin/(adminduk totp [A-Z]+)`", README.read_text())
    return commands


@pytest.fixture(scope="module")
def demo_root(tmp_path_factory):
    """A directory where `adminduk demo` has prepared everything (central and node), not serving."""
    root = tmp_path_factory.mktemp("repo")
    result = run(["demo", "--no-serve", "--residents", "200", "--addr", f"127.0.0.1:{free_port()}"], cwd=root, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    assert (root / "var" / "adminduk.env").exists()
    root.joinpath("demo-output.txt").write_text(result.stdout)
    return root


def station_ids(root) -> list[str]:
    listing = run(["station", "list"], cwd=root).stdout
    return [line.split()[0] for line in listing.splitlines() if line.strip()]


# README command → how to run it there: the README's placeholders filled in, and what must hold.
# "ok": exit 0. "refused": non-zero with one line on stderr (no central to talk to in the test).
def _register(root):
    run(["station", "keygen", "--dir", str(root / "extra-station")], cwd=root)
    return ["station", "register", "--office", "palu-tatanga", "--name", "extra", "--public-key", str(root / "extra-station" / "station.pub")]


def _revoke(root):
    extra = [line.split()[0] for line in run(["station", "list"], cwd=root).stdout.splitlines() if " extra " in line]
    return ["station", "revoke", extra[0] if extra else "00000000-0000-0000-0000-000000000000", "--reason", "test of the README"]


NODE_DIR = {"ADMINDUK_DATA_DIR": "var/node-palu-mantikulore"}
BACKUP_PASSPHRASE = "passphrase of the README test"


def _restore(root):
    """The node's backup restored into an empty data directory (a new machine)."""
    run(["backup", "--output", "restore-me.backup"], root, **NODE_DIR, ADMINDUK_BACKUP_PASSPHRASE=BACKUP_PASSPHRASE)
    return ["restore", str(root / "restore-me.backup")]

CASES = {
    "adminduk migrate": (["migrate"], {}, "ok"),
    "adminduk regions load --kota 72.71": (["regions", "load", "--kota", "72.71"], {}, "ok"),
    "adminduk regions load --all": (["regions", "load", "--all"], {}, "ok"),
    "adminduk regions load --all --file wilayah.csv": (["regions", "load", "--all", "--file", "wilayah.csv"], {}, "ok"),
    "adminduk generate --kota 72.71 --residents N": (["generate", "--kota", "72.71", "--residents", "5"], {}, "ok"),
    "adminduk nik check NIK [NIK ...]": (["nik", "check", NIK, "7271083102450001"], {}, 1),
    "adminduk station keygen": (["station", "keygen"], {}, "ok"),
    "adminduk station register": (_register, {}, "ok"),
    "adminduk station revoke": (_revoke, {}, "ok"),
    "adminduk station list": (["station", "list"], {}, "ok"),
    # No central listens in the test: refused with one line, never a traceback.
    "adminduk node init --central URL --station-id ID": (
        lambda root: ["node", "init", "--central", f"http://127.0.0.1:{free_port()}", "--station-id", station_ids(root)[0]],
        {"ADMINDUK_DATA_DIR": "var/new-node", "ADMINDUK_ROLE": "node"},
        "refused",
    ),
    "adminduk node sync": (["node", "sync"], NODE_DIR, "refused"),
    "adminduk node status": (["node", "status"], NODE_DIR, "ok"),
    "adminduk node run": (["node", "run", "--interval", "1"], NODE_DIR, "interrupt"),
    "adminduk run_huey": (["run_huey"], {}, "interrupt"),
    "adminduk serve": (lambda root: ["serve", "--bind", f"127.0.0.1:{free_port()}", "--workers", "1"], {}, "interrupt"),
    "adminduk check --deploy": (["check", "--deploy"], {}, "ok"),  # warnings only in the demo (not production mode)
    "adminduk central keygen": (["central", "keygen"], {}, "ok"),  # the demo's key exists: says so
    "adminduk backup": (["backup", "--output", "readme-node.backup"], {**NODE_DIR, "ADMINDUK_BACKUP_PASSPHRASE": BACKUP_PASSPHRASE}, "ok"),
    "adminduk restore FILE": (_restore, {"ADMINDUK_DATA_DIR": "var/restored-node", "ADMINDUK_MODE": "demo", "ADMINDUK_BACKUP_PASSPHRASE": BACKUP_PASSPHRASE}, "ok"),
    "adminduk totp USERNAME": (["totp", "admin"], {}, "ok"),
    "adminduk audit verify": (["audit", "verify"], {}, "ok"),
    # The demo runs on SQLite, which has no roles: refused with one line.
    "adminduk audit grant-app-role --role adminduk_app": (["audit", "grant-app-role", "--role", "adminduk_app"], {}, "refused"),
    "adminduk verify FILE.pdf --keys KEYFILE": (
        ["verify", "var/demo-documents/kk.pdf", "--keys", "var/demo-documents/adminduk-document-keys.json"], {}, "ok"),
    "adminduk documents export-keys": (["documents", "export-keys"], {}, "ok"),
    "adminduk documents blocks": (["documents", "blocks"], {}, "ok"),
    "adminduk documents reserve --office CODE --series S": (["documents", "reserve", "--office", "palu-tatanga", "--series", "suket"], {}, "ok"),
    # No such document in the demo: refused with one line.
    "adminduk documents revoke NUMBER --reason TEXT": (["documents", "revoke", "7271-LU-01012020-0001", "--reason", "test"], {}, "refused"),
    "adminduk queue counters --office CODE": (["queue", "counters", "--office", "palu-mantikulore"], {}, "ok"),
    "adminduk queue add-counter --office CODE --name NAME --services SERVICES": (
        ["queue", "add-counter", "--office", "palu-mantikulore", "--name", "Loket 9", "--services", "pengambilan,kk_akta"], {}, "ok",
    ),
    "adminduk plan --input FILE.csv --deadline YYYY-MM-DD": (
        ["plan", "--input", str(REPO / "src" / "adminduk" / "planning" / "data" / "palembang-2011.csv"), "--deadline", "2030-12-31"], {}, "ok",
    ),
    "adminduk reports rebuild": (["reports", "rebuild"], {}, "ok"),
    "adminduk reports refresh": (["reports", "refresh"], {}, "ok"),
    "adminduk reports remaining": (["reports", "remaining"], {}, "ok"),
    "adminduk portal residents": (["portal", "residents"], {}, "ok"),
    "adminduk purge_documents --dry-run": (["purge_documents", "--dry-run"], {}, "ok"),
    # No code was asked for on the sign-in page: refused with one line.
    "adminduk portal code NIK": (["portal", "code", NIK], {}, "refused"),
    "adminduk demo": None,  # test_demo_stops_every_process_it_started
}


def test_every_readme_command_has_a_case():
    assert set(readme_commands()) == set(CASES)


@pytest.mark.parametrize("command", [c for c in CASES if CASES[c] is not None])
def test_readme_command_runs_without_a_traceback(demo_root, command):
    args, env, expect = CASES[command]
    if callable(args):
        args = args(demo_root)
    if "wilayah.csv" in args:
        # The README's example of "another kode,nama CSV": Kota Palu's part of the shipped list.
        from adminduk.regions import codes

        rows = [r for r in codes.shipped_region_rows() if r.code in ("72", "72.71") or r.code.startswith("72.71.")]
        (demo_root / "wilayah.csv").write_text("kode,nama\n" + "".join(f"{r.code},{r.name}\n" for r in rows))
    if expect == "interrupt":
        result = run_then_interrupt(args, demo_root, seconds=6, **env)
    else:
        result = run(args, demo_root, **env)
    output = result.stdout + result.stderr
    assert TRACEBACK not in output, output
    if expect == "ok":
        assert result.returncode == 0, output
    elif expect == "refused":
        assert result.returncode != 0, output
        # One line saying why, besides any progress bar (tqdm's "[00:00, ...]" lines).
        errors = [line for line in result.stderr.splitlines() if line.strip() and not re.search(r"\[\d\d:\d\d", line)]
        assert len(errors) == 1, result.stderr
    elif isinstance(expect, int):
        assert result.returncode == expect, output
    if command.startswith("adminduk totp"):
        assert re.fullmatch(r"\d{6}", result.stdout.strip())


def test_the_node_cli_line_the_demo_prints_works_as_printed(demo_root):
    line = next(line for line in (demo_root / "demo-output.txt").read_text().splitlines() if line.strip().startswith("CLI"))
    assignment, _, rest = line.split(None, 1)[1].partition(" ")
    assert rest.split() == [".venv/bin/adminduk", "node", "status"], line
    name, _, value = assignment.partition("=")
    result = run(["node", "status"], demo_root, **{name: value})
    assert result.returncode == 0 and "station" in result.stdout, result.stdout + result.stderr


def test_nik_check_needs_no_configuration_at_all(tmp_path):
    result = run(["nik", "check", NIK], cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "72.71.08" in result.stdout
    assert list(tmp_path.iterdir()) == []  # no ./var left behind


@pytest.mark.parametrize(
    ("args", "env", "says"),
    [
        (["totp", "admin"], {}, "ADMINDUK_SECRET_KEY"),  # not a demo directory, no configuration
        (["check"], {"ADMINDUK_MODE": "demo", "ADMINDUK_ROLE": "kecamatan"}, "ADMINDUK_ROLE"),
        (["check"], {"ADMINDUK_MODE": "staging"}, "ADMINDUK_MODE"),
        (["migrate"], {"ADMINDUK_MODE": "demo", "DATABASE_URL": "postgres://adminduk@127.0.0.1:9/none"}, "DATABASE_URL"),
        (["totp", "admin"], {"ADMINDUK_MODE": "demo"}, "adminduk migrate"),  # empty database
        (["generate", "--kota", "72.71", "--residents", "many"], {"ADMINDUK_MODE": "demo"}, "--residents"),
    ],
)
def test_configuration_problems_and_bad_arguments_give_one_line(tmp_path, args, env, says):
    result = run(args, cwd=tmp_path, **env)
    assert result.returncode != 0
    assert TRACEBACK not in result.stdout + result.stderr
    error_lines = [line for line in result.stderr.splitlines() if line.strip() and not line.startswith("usage:") and not line.startswith(" ")]
    assert len(error_lines) == 1, result.stderr
    assert says in error_lines[0]


def test_a_broken_env_file_is_one_line(tmp_path):
    (tmp_path / "var").mkdir()
    (tmp_path / "var" / "adminduk.env").write_text("ADMINDUK_MODE demo\n")
    result = run(["check"], cwd=tmp_path)
    assert result.returncode != 0 and TRACEBACK not in result.stderr
    assert result.stderr.count("\n") == 1 and "NAME=value" in result.stderr


def _children_of(pid: int) -> set[int]:
    found = set()
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            text = status.read_text()
        except OSError:
            continue
        if re.search(rf"^PPid:\s+{pid}$", text, re.M):
            found.add(int(status.parent.name))
    return found


def _descendants_of(pid: int) -> set[int]:
    found, todo = set(), [pid]
    while todo:
        children = _children_of(todo.pop())
        todo += children - found
        found |= children
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    return "State:\tZ" not in state


@pytest.mark.skipif(not Path("/proc").exists(), reason="reads child processes from /proc")
@pytest.mark.parametrize("stop_signal", [signal.SIGTERM, signal.SIGINT])
def test_demo_stops_every_process_it_started(demo_root, stop_signal):
    """`adminduk demo` (central web, task consumer, node web, node sync, node tasks) ends
    completely on SIGTERM and on Ctrl-C, the web servers' gunicorn workers included."""
    central, node = free_port(), free_port()
    process = subprocess.Popen(
        [*adminduk_script(), "demo", "--residents", "40", "--addr", f"127.0.0.1:{central}", "--node-addr", f"localhost:{node}"],
        cwd=demo_root, env=clean_env(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    deadline = time.monotonic() + 120
    children: set[int] = set()
    while time.monotonic() < deadline and len(children) < 5:
        time.sleep(0.5)
        children = _children_of(process.pid)
    assert len(children) >= 5, "the demo did not start its central web, task consumer, node web, node sync and node tasks"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and len(_descendants_of(process.pid)) < len(children) + 4:
        time.sleep(0.5)  # each web server's master forks its two workers
    children = _descendants_of(process.pid)
    assert len(children) >= 9, children
    time.sleep(2)
    # The signal reaches the demo alone (as `kill PID` does, unlike Ctrl-C in a terminal, which
    # signals the whole process group): the demo must stop its children itself.
    process.send_signal(stop_signal)
    out, _ = process.communicate(timeout=60)
    assert TRACEBACK not in out, out
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and any(_alive(pid) for pid in children):
        time.sleep(0.3)
    assert not [pid for pid in children if _alive(pid)], out
    assert "adminduk demo stopped" in out


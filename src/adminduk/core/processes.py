"""Child processes of `adminduk demo` that never outlive it.

The demo starts a task consumer, the node's web server and the node's sync loop. They are
stopped in order when the demo ends normally, on Ctrl-C or on SIGTERM; on Linux each child also
gets SIGTERM from the kernel if the demo itself is killed outright (prctl PR_SET_PDEATHSIG)."""

import ctypes
import signal
import subprocess
import sys

PR_SET_PDEATHSIG = 1


def _die_with_parent():  # runs in the child between fork and exec
    try:
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    except (OSError, AttributeError):
        pass


def start_child(args: list[str], **kwargs) -> subprocess.Popen:
    if sys.platform.startswith("linux"):
        kwargs.setdefault("preexec_fn", _die_with_parent)
    return subprocess.Popen(args, **kwargs)


def stop_children(processes, timeout: float = 10.0) -> None:
    """SIGTERM to each child still running, then SIGKILL to any that has not ended in time."""
    for process in processes:
        if process.poll() is None:
            process.terminate()
    for process in processes:
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def sigterm_as_keyboard_interrupt() -> None:
    """SIGTERM unwinds like Ctrl-C, so `finally:` blocks stop the children."""

    def handler(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, handler)

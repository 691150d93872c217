"""An installation's symmetric key files (base64 in one line, 0600, in a 0700 directory): read
one, or create it exactly once even when several processes start at the same moment."""

import base64
import os
import time
from collections.abc import Callable
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured


def read_key(path: Path, *, length: int, what: str) -> bytes:
    for _ in range(50):  # another process may be writing it this very moment
        text = path.read_bytes().strip()
        if text:
            break
        time.sleep(0.01)
    try:
        key = base64.b64decode(text, validate=True)
    except ValueError:
        key = b""
    if len(key) != length:
        raise ImproperlyConfigured(f"{path} is not an adminduk {what} ({length} bytes, base64)")
    return key


def load_or_create_key(path: Path, *, length: int, what: str, generate: Callable[[], bytes]) -> bytes:
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return read_key(path, length=length, what=what)
    key = generate()
    with os.fdopen(fd, "wb") as handle:
        handle.write(base64.b64encode(key) + b"\n")
        handle.flush()
        os.fsync(handle.fileno())
    return key

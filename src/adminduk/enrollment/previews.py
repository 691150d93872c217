"""Preview images for the operator's screen, held briefly in this process's memory only.

The operator needs to see each capture again on the review step; writing it to the database or
a cache server would put plaintext biometrics at rest, so previews live here for a few minutes
and vanish on submit, cancel, expiry or a restart (the screen then says "captured, no preview").
"""

import threading
import time

TTL_SECONDS = 20 * 60
MAX_ENTRIES = 2000

_lock = threading.Lock()
_store: dict[tuple[str, str], tuple[float, bytes]] = {}


def put(session_id, slot: str, image: bytes) -> None:
    if not image:
        return
    now = time.monotonic()
    with _lock:
        if len(_store) >= MAX_ENTRIES:
            for key in [k for k, (expires, _) in _store.items() if expires < now] or sorted(_store, key=lambda k: _store[k][0])[: MAX_ENTRIES // 10]:
                _store.pop(key, None)
        _store[(str(session_id), slot)] = (now + TTL_SECONDS, image)


def get(session_id, slot: str) -> bytes | None:
    with _lock:
        entry = _store.get((str(session_id), slot))
        if entry is None:
            return None
        if entry[0] < time.monotonic():
            _store.pop((str(session_id), slot), None)
            return None
        return entry[1]


def drop(session_id, slot: str) -> None:
    with _lock:
        _store.pop((str(session_id), slot), None)


def drop_session(session_id) -> None:
    with _lock:
        for key in [k for k in _store if k[0] == str(session_id)]:
            del _store[key]


def data_url(image: bytes | None) -> str:
    """A data: URL for an <img>, from PNG or JPEG bytes."""
    import base64

    if not image:
        return ""
    mime = "image/png" if image.startswith(b"\x89PNG") else "image/jpeg"
    return f"data:{mime};base64,{base64.b64encode(image).decode()}"


BROWSER_TYPES = {"png": "image/png", "jpeg": "image/jpeg", "jpg": "image/jpeg", "webp": "image/webp"}


def for_browser(image: bytes, image_format: str) -> tuple[bytes, str]:
    """A captured image as a browser can show it: PNG, JPEG and WebP as they are; JPEG 2000
    (what ISO/IEC 19794 devices and the simulator deliver) converted to PNG in memory.
    ValueError if the bytes are no image."""
    content_type = BROWSER_TYPES.get((image_format or "").lower())
    if content_type:
        return image, content_type
    import io

    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(image)) as picture:
            buffer = io.BytesIO()
            picture.save(buffer, "PNG")
    except (UnidentifiedImageError, OSError) as exc:
        raise ValueError(f"not an image ({image_format})") from exc
    return buffer.getvalue(), "image/png"

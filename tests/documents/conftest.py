"""Documents fixtures: a central and a node in the one test database, each with its own key
directory (so each has its own document-signing key), switched by settings.ROLE."""

import contextlib

import pytest

from adminduk.documents import keys, signing


@pytest.fixture(autouse=True)
def separate_keys(settings, tmp_path):
    settings.ADMINDUK_KEY_DIR = str(tmp_path / "central-keys")
    settings.ADMINDUK_SYNC_CHANGE_LAG_SECONDS = 0
    settings.ADMINDUK_STATION_ID = ""
    signing._loaded.clear()
    keys.clear_cache()
    yield
    signing._loaded.clear()
    keys.clear_cache()


@pytest.fixture
def as_node(settings, tmp_path):
    """with as_node("palu-mantikulore"): ... runs as that office's node (its own key directory)."""

    @contextlib.contextmanager
    def switch(name: str):
        from adminduk.enrollment import sealing

        central = sealing.public_key_b64(sealing.central_public_key())
        before = settings.ROLE, settings.ADMINDUK_KEY_DIR, getattr(settings, "ADMINDUK_CENTRAL_PUBLIC_KEY", "")
        settings.ROLE, settings.ADMINDUK_KEY_DIR = "node", str(tmp_path / f"node-{name}-keys")
        settings.ADMINDUK_CENTRAL_PUBLIC_KEY = central
        keys.clear_cache()
        try:
            yield
        finally:
            settings.ROLE, settings.ADMINDUK_KEY_DIR, settings.ADMINDUK_CENTRAL_PUBLIC_KEY = before
            keys.clear_cache()

    return switch

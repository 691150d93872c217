"""Loaded with ``-p`` before Django settings are read, so the suite runs in test mode."""

import os
import tempfile

os.environ.setdefault("ADMINDUK_MODE", "test")
os.environ.setdefault("ADMINDUK_DATA_DIR", tempfile.mkdtemp(prefix="adminduk-test-"))

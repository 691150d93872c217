"""adminduk: population administration for kecamatan-level e-KTP service."""

__version__ = "0.1.0"

"""Device adapters, chosen per modality by settings.ADMINDUK_DEVICE_ADAPTERS (dotted class paths)."""

from functools import cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string

from .base import BASES, Capture, DeviceAdapter, DeviceError  # noqa: F401


@cache
def _load(path: str, modality: str) -> DeviceAdapter:
    try:
        cls = import_string(path)
    except ImportError as exc:
        raise ImproperlyConfigured(f"device adapter for {modality!r} cannot be imported: {path} ({exc})") from exc
    if not (isinstance(cls, type) and issubclass(cls, BASES[modality])):
        raise ImproperlyConfigured(f"{path} is not a {BASES[modality].__name__} adapter")
    return cls()


def adapter_for(modality: str) -> DeviceAdapter:
    """The configured adapter of `modality` (one instance per process)."""
    paths = getattr(settings, "ADMINDUK_DEVICE_ADAPTERS", {})
    if modality not in BASES:
        raise ImproperlyConfigured(f"unknown modality {modality!r}")
    if modality not in paths:
        raise ImproperlyConfigured(f"ADMINDUK_DEVICE_ADAPTERS has no adapter for {modality!r}")
    return _load(paths[modality], modality)

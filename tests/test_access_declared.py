"""Deny by default, everywhere: every page of every app declares who may use it (the
middleware answers 403 for one that does not, so a forgotten declaration is closed, not open)."""

from django.urls import URLPattern, URLResolver, get_resolver

from adminduk.accounts.access import ACCESS_ATTRIBUTE, SELF_GUARDED_NAMESPACES, SELF_GUARDED_URL_NAMES


def patterns(resolver=None, namespace=""):
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            inner = entry.namespace or namespace
            if inner in SELF_GUARDED_NAMESPACES:
                continue
            yield from patterns(entry, inner)
        elif isinstance(entry, URLPattern):
            yield namespace, entry


def test_every_page_declares_who_may_use_it():
    undeclared = [
        f"{namespace}:{pattern.name}"
        for namespace, pattern in patterns()
        if pattern.name not in SELF_GUARDED_URL_NAMES and not getattr(pattern.callback, ACCESS_ATTRIBUTE, None)
    ]
    assert undeclared == []


def test_the_apps_pages_are_all_seen():
    namespaces = {namespace for namespace, _pattern in patterns()}
    assert {"web", "audit", "enrollment", "sync", "processing"} <= namespaces

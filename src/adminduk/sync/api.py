"""Sync endpoints of the JSON API (push packets, pull changes)."""

from ninja import Router

router = Router(tags=["sync"])

"""Signals of the sync app. `packet_stored` is sent once per delivered batch, after the
transaction that stored its new packets in the central inbox has committed (kwarg packet_ids:
the UUIDs newly stored, in order); processing listens to it. One signal per batch keeps the
acknowledgement fast: receivers should hand the work to a task, not do it inline."""

from django.dispatch import Signal

packet_stored = Signal()

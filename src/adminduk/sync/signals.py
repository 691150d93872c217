"""Signals of the sync app. `packet_stored` is sent after the transaction that stored a packet
in the central inbox has committed (kwargs: packet_id); processing listens to it."""

from django.dispatch import Signal

packet_stored = Signal()

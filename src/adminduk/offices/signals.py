"""Signals of the offices app, for apps that follow an office's capacity (appointments)
without offices importing them."""

from django.dispatch import Signal

# Sent by offices.actions inside the change's transaction whenever an office's equipment,
# opening hours, closed days or active flag changed; kwargs: offices (a list of Office).
capacity_changed = Signal()

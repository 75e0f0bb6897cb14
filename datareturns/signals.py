"""Signals other parts of the app send about placement data and returns."""

from django.dispatch import Signal

# Sent (after the commit) when an LA's DCS signs off a quarterly return: ``la_id``, ``return_id``.
return_signed_off = Signal()

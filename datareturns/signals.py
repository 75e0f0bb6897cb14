"""Signals other parts of the service listen to. Sent on commit by the return services, so a
listener never sees a sign-off that was rolled back. The benchmarking dashboards connect to them to
recompute an LA's figures."""

from django.dispatch import Signal

# kwargs: la_id (int), return_id (int)
return_signed_off = Signal()
# kwargs: la_id (int), return_id (int); the return is no longer signed off
return_reopened = Signal()

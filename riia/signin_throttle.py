"""Sign-in throttling: django-axes with one failure limit for each way of counting.

Axes counts failed sign-ins (our page and the admin's alike) per account from one address, per
account from anywhere and per address for any account (``AXES_LOCKOUT_PARAMETERS``), but compares
them all with one limit. Here each has its own (``RIIA_SIGNIN_FAILURE_LIMITS``): a person mistyping
from their office locks only themselves there, quickly; guessing one account from many addresses, or
many accounts from one address, is stopped at the larger limits.
"""

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest

# The name in RIIA_SIGNIN_FAILURE_LIMITS of each lockout parameter.
_LIMIT_NAMES = {
    ("ip_address", "username"): "account_and_address",
    ("username",): "account",
    ("ip_address",): "address",
}


def _limit_for(parameter: str | list[str]) -> int:
    key = tuple(sorted([parameter] if isinstance(parameter, str) else parameter))
    return settings.RIIA_SIGNIN_FAILURE_LIMITS[_LIMIT_NAMES[key]]


def username_from(request: HttpRequest, credentials: dict | None) -> str | None:
    """The account being tried, as stored: email addresses are kept in lower case, so ``Ann@x`` and
    ``ann@x`` count as the same account."""
    field = settings.AXES_USERNAME_FORM_FIELD
    raw = (credentials or {}).get(field) if credentials else getattr(request, "POST", {}).get(field)
    return raw.strip().lower() if isinstance(raw, str) else raw


class SignInThrottle(AxesDatabaseHandler):
    def get_failures(self, request: HttpRequest, credentials: dict | None = None) -> int:
        """Axes locks when this reaches ``AXES_FAILURE_LIMIT``. Each parameter's failures are scaled
        from its own limit to that one, so reaching any one limit, and nothing less, locks."""
        scale = settings.AXES_FAILURE_LIMIT
        shares = []
        for parameter, attempts in zip(
            settings.AXES_LOCKOUT_PARAMETERS, self.get_user_attempts(request, credentials), strict=True
        ):
            failures = attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
            shares.append(failures * scale // _limit_for(parameter))
        return max(shares, default=0)

    def reset_user_attempts(self, request: HttpRequest, credentials: dict | None = None) -> int:
        """After a successful sign-in, forget only that account's failures from that address. Failures
        against other accounts from there, or against this account from elsewhere, still count: else
        an attacker with an account of their own could clear them by signing in."""
        deleted, _ = AccessAttempt.objects.filter(
            username=get_client_username(request, credentials), ip_address=request.axes_ip_address
        ).delete()
        return deleted

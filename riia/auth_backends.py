"""Django's model permissions, which only the admin uses: every other check is a named rule
(``rules.py``), answered by ``rules``' backend before this one is asked."""

from __future__ import annotations

from django.contrib.auth.backends import ModelBackend


class AdminModelBackend(ModelBackend):
    """``ModelBackend`` whose model permissions hold for staff (people who may use the admin) and
    superusers only. For everyone else a rule that says no is the answer, with no query: Django's own
    backend would read the person's and their groups' permissions on the first such check of every
    request, to find nothing, as only the admin grants them."""

    def _get_permissions(self, user_obj, obj, from_name: str) -> set[str]:
        if not (user_obj.is_staff or user_obj.is_superuser):
            return set()
        return super()._get_permissions(user_obj, obj, from_name)

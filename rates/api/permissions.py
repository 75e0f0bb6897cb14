from rest_framework.permissions import BasePermission


class CanViewRegionCaps(BasePermission):
    """The named rule ``rates.view_ratecard`` on the region: its LAs, RIIA staff and serving MSPs."""

    message = "You do not have a role in this region."

    def has_object_permission(self, request, view, obj) -> bool:
        return request.user.has_perm("rates.view_ratecard", obj)

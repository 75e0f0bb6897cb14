"""The API's one pagination class: ``?limit=`` and ``?offset=``, with a ceiling on ``limit``."""

from rest_framework import pagination


class LimitOffsetPagination(pagination.LimitOffsetPagination):
    """``?limit=`` larger than ``max_limit`` is answered with ``max_limit`` rows (DRF's own rule),
    so no one request can ask the database for everything."""

    max_limit = 1000

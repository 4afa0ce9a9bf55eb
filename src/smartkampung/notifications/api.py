"""JSON API of notifications (/api/v1/notifications)."""

from ninja import Router

router = Router(tags=["notifications"])

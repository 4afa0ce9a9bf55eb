"""JSON API of the checkpoints (/api/v1/arrivals, /preregistrations, /entry-rules)."""

from ninja import Router

router = Router(tags=["checkpoints"])

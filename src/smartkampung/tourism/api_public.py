"""The tourism API: public (mounted by tourism/api.py)."""

from ninja import Router

router = Router(tags=["tourism"])
public_router = Router(tags=["public"])

"""The tourism API, /api/v1/tourism (staff) and /api/v1/public/tourism (anyone): one router each, made of the
parts' routers (places, the public listing, capacity, certification, violations)."""

from ninja import Router

from smartkampung.tourism import api_capacity, api_certification, api_places, api_public, api_violations

router = Router(tags=["tourism"])
public_router = Router(tags=["public"])
for part in (api_places, api_public, api_capacity, api_certification, api_violations):
    router.add_router("", part.router)
    public_router.add_router("", part.public_router)

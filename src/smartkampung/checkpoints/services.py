"""Writes of the checkpoint module."""

from django.db import transaction

from smartkampung.checkpoints.models import Checkpoint

# Banyuwangi's entry points of 2020. Coordinates are of the facilities (OpenStreetMap, approximate).
DEMO_CHECKPOINTS = [
    (
        "ketapang",
        "Pos Pantau Pelabuhan Ketapang",
        Checkpoint.Kind.PORT,
        "3510212003",
        "Jl. Gatot Subroto, Ketapang, Kalipuro",
        "-8.142800",
        "114.397700",
    ),
    (
        "bajulmati",
        "Pos Pantau Bajulmati (jalur pantura dari Situbondo)",
        Checkpoint.Kind.ROAD,
        "3510182007",
        "Jl. Raya Situbondo, Bajulmati, Wongsorejo",
        "-7.935700",
        "114.389900",
    ),
    (
        "kalibaru",
        "Pos Pantau Kalibaru (jalur dari Jember)",
        Checkpoint.Kind.ROAD,
        "3510112001",
        "Jl. Raya Jember, Kalibarukulon, Kalibaru",
        "-8.289100",
        "113.973400",
    ),
    (
        "bandara",
        "Pos Pantau Bandara Banyuwangi",
        Checkpoint.Kind.AIRPORT,
        "3510252001",
        "Jl. Agus Salim, Blimbingsari",
        "-8.310400",
        "114.340300",
    ),
]


@transaction.atomic
def seed_demo_checkpoints() -> list[Checkpoint]:
    """The four checkpoints of the demonstration (created once; later edits are kept)."""
    return [
        Checkpoint.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "kind": kind,
                "village_id": village,
                "address": address,
                "latitude": lat,
                "longitude": lon,
            },
        )[0]
        for code, name, kind, village, address, lat, lon in DEMO_CHECKPOINTS
    ]

"""The default health-protocol checklists, as data: per kind of place, items in the four CHSE dimensions
(cleanliness, health, safety, environment), each with a code, its text in Bahasa Indonesia (`text`, what the
inspector reads) and in English (`text_en`), a weight (1–5: how much it counts in the score) and whether it is
mandatory (not met: no plain certificate whatever the score).

Items common to every kind come first; each kind adds its own. The agency edits the checklists afterwards on
/tourism/checklists/; `load_checklists` only writes these defaults (again harmlessly: by kind and code), from the
data migration 0002 and from the tests' reference data (a transactional test's flush removes migration data)."""

from __future__ import annotations

from typing import NamedTuple

KINDS = ("destination", "hotel", "homestay", "cafe", "restaurant", "warung")
DIMENSIONS = ("cleanliness", "health", "safety", "environment")


class Item(NamedTuple):
    dimension: str
    code: str
    text: str
    text_en: str
    weight: int
    mandatory: bool = False


COMMON = (
    Item(
        "cleanliness",
        "handwashing-station",
        "Tersedia tempat cuci tangan dengan sabun dan air mengalir (atau hand sanitizer) di pintu masuk.",
        "A handwashing station with soap and running water (or hand sanitiser) at the entrance.",
        5,
        True,
    ),
    Item(
        "cleanliness",
        "surfaces-disinfected",
        "Permukaan yang sering disentuh (gagang pintu, meja, tombol) dibersihkan dan didisinfeksi secara berkala.",
        "Surfaces touched often (door handles, tables, buttons) are cleaned and disinfected regularly.",
        4,
        True,
    ),
    Item(
        "cleanliness",
        "toilet-clean",
        "Toilet bersih, berfungsi, dan dilengkapi sabun.",
        "Toilets are clean, working and have soap.",
        3,
    ),
    Item(
        "health",
        "staff-masks",
        "Staf memakai masker selama bertugas dan aturan masker dipasang untuk pengunjung.",
        "Staff wear masks on duty and the mask rules for visitors are posted.",
        5,
        True,
    ),
    Item(
        "health",
        "staff-health-check",
        "Kesehatan staf diperiksa (suhu, gejala) sebelum bertugas; staf yang sakit tidak bekerja.",
        "Staff health is checked (temperature, symptoms) before duty; sick staff stay home.",
        4,
    ),
    Item(
        "health",
        "distancing-marks",
        "Penanda jaga jarak minimal 1 meter di antrean dan area duduk.",
        "Distancing marks of at least 1 metre in queues and seating areas.",
        3,
    ),
    Item(
        "health",
        "visitor-cap-posted",
        "Batas jumlah pengunjung dipasang di pintu masuk dan dipatuhi.",
        "The visitor cap is posted at the entrance and kept.",
        4,
        True,
    ),
    Item(
        "safety",
        "first-aid-kit",
        "Kotak P3K lengkap dan mudah dijangkau.",
        "A complete first-aid kit within easy reach.",
        3,
        True,
    ),
    Item(
        "safety",
        "emergency-numbers",
        "Nomor darurat (puskesmas, ambulans, polisi, pemadam kebakaran) dipasang di tempat yang terlihat.",
        "Emergency numbers (Puskesmas, ambulance, police, fire brigade) are posted where they can be seen.",
        2,
    ),
    Item(
        "environment",
        "waste-sorted",
        "Tempat sampah tertutup tersedia, sampah dipilah dan diangkut secara teratur.",
        "Covered bins are provided; waste is sorted and collected regularly.",
        3,
    ),
    Item(
        "environment",
        "ventilation",
        "Ruangan berventilasi baik dan udara bersirkulasi.",
        "Rooms are well ventilated and the air circulates.",
        3,
    ),
)

BY_KIND: dict[str, tuple[Item, ...]] = {
    "destination": (
        Item(
            "health",
            "entry-screening",
            "Pemeriksaan suhu pengunjung di pintu masuk.",
            "Visitors' temperature is checked at the entrance.",
            3,
        ),
        Item(
            "safety",
            "evacuation-signs",
            "Jalur evakuasi dan titik kumpul diberi tanda yang jelas.",
            "Evacuation routes and the assembly point are clearly signed.",
            4,
            True,
        ),
        Item(
            "safety",
            "one-way-route",
            "Alur kunjungan satu arah di area yang ramai.",
            "A one-way visitor route in crowded areas.",
            2,
        ),
        Item(
            "environment",
            "nature-protected",
            "Aturan menjaga alam (tidak membuang sampah, tidak merusak tanaman) dipasang dan diawasi.",
            "Rules protecting nature (no littering, no damage to plants) are posted and enforced.",
            2,
        ),
    ),
    "hotel": (
        Item(
            "cleanliness",
            "room-disinfected",
            "Kamar dibersihkan dan didisinfeksi setiap pergantian tamu.",
            "Rooms are cleaned and disinfected between guests.",
            4,
            True,
        ),
        Item(
            "health",
            "isolation-room",
            "Tersedia ruang isolasi sementara untuk tamu atau staf yang bergejala.",
            "A temporary isolation room for guests or staff with symptoms.",
            3,
        ),
        Item(
            "safety",
            "fire-extinguisher",
            "Alat pemadam api ringan (APAR) tersedia di setiap lantai, terisi dan belum kedaluwarsa.",
            "Fire extinguishers on every floor, charged and within date.",
            5,
            True,
        ),
        Item(
            "safety",
            "evacuation-signs",
            "Jalur evakuasi dan pintu darurat diberi tanda dan tidak terhalang.",
            "Evacuation routes and emergency exits are signed and unobstructed.",
            4,
            True,
        ),
        Item(
            "environment",
            "water-energy-saving",
            "Penghematan air dan energi (pemberitahuan penggunaan ulang handuk, lampu hemat energi).",
            "Water and energy saving (towel reuse notices, efficient lighting).",
            2,
        ),
    ),
    "homestay": (
        Item(
            "cleanliness",
            "linen-washed",
            "Sprei dan handuk dicuci dan diganti setiap pergantian tamu.",
            "Bed linen and towels are washed and changed between guests.",
            4,
            True,
        ),
        Item(
            "health",
            "guest-register",
            "Tamu dicatat (nama dan nomor telepon) untuk keperluan penelusuran kontak.",
            "Guests are registered (name and phone) for contact tracing.",
            2,
        ),
        Item(
            "safety",
            "fire-extinguisher",
            "Alat pemadam api ringan (APAR) tersedia di dapur atau dekat kompor.",
            "A fire extinguisher in or near the kitchen.",
            3,
        ),
        Item(
            "environment",
            "clean-water",
            "Air bersih tersedia cukup untuk mandi dan mencuci.",
            "Enough clean water for bathing and washing.",
            3,
        ),
    ),
    "cafe": (
        Item(
            "cleanliness",
            "food-handling",
            "Makanan dan minuman diolah dengan sarung tangan atau penjepit, tidak dengan tangan langsung.",
            "Food and drinks are handled with gloves or tongs, never bare hands.",
            4,
            True,
        ),
        Item(
            "cleanliness",
            "cutlery-washed",
            "Peralatan makan dan minum dicuci dengan sabun dan air panas.",
            "Cutlery and glasses are washed with soap and hot water.",
            3,
        ),
        Item(
            "health",
            "contactless-payment",
            "Pembayaran nontunai tersedia untuk mengurangi sentuhan.",
            "Cashless payment is offered to reduce contact.",
            2,
        ),
        Item(
            "safety",
            "fire-extinguisher",
            "Alat pemadam api ringan (APAR) tersedia di area dapur atau bar.",
            "A fire extinguisher in the kitchen or bar area.",
            3,
        ),
    ),
    "restaurant": (
        Item(
            "cleanliness",
            "kitchen-clean",
            "Dapur bersih, bebas hama, dan bahan makanan disimpan tertutup.",
            "The kitchen is clean and pest-free; food is stored covered.",
            4,
            True,
        ),
        Item(
            "cleanliness",
            "cutlery-washed",
            "Peralatan makan dicuci dengan sabun dan air panas.",
            "Cutlery is washed with soap and hot water.",
            3,
        ),
        Item(
            "health",
            "food-handler-hygiene",
            "Penjamah makanan memakai celemek, penutup kepala, dan masker; mencuci tangan sebelum mengolah.",
            "Food handlers wear apron, hair cover and mask, and wash hands before handling food.",
            4,
        ),
        Item(
            "health",
            "food-temperature",
            "Makanan disimpan pada suhu yang aman (lemari pendingin berfungsi).",
            "Food is kept at safe temperatures (working refrigeration).",
            3,
        ),
        Item(
            "safety",
            "fire-extinguisher",
            "Alat pemadam api ringan (APAR) tersedia di dapur, terisi dan belum kedaluwarsa.",
            "A fire extinguisher in the kitchen, charged and within date.",
            4,
            True,
        ),
        Item(
            "environment",
            "grease-trap",
            "Air limbah dapur melalui penangkap lemak, tidak langsung ke saluran umum.",
            "Kitchen waste water passes a grease trap, not straight into the public drain.",
            2,
        ),
    ),
    "warung": (
        Item(
            "cleanliness",
            "food-covered",
            "Makanan yang dipajang ditutup (tudung saji atau etalase).",
            "Food on display is covered (food cover or glass case).",
            4,
            True,
        ),
        Item(
            "cleanliness",
            "cutlery-washed",
            "Peralatan makan dicuci dengan sabun dan air mengalir.",
            "Cutlery is washed with soap and running water.",
            3,
        ),
        Item(
            "safety",
            "lpg-safe",
            "Tabung dan selang LPG dalam keadaan baik dan jauh dari sumber api lain.",
            "LPG cylinder and hose are in good order and away from other flames.",
            3,
        ),
    ),
}


def default_items(kind: str) -> list[Item]:
    """The default checklist of `kind`: the common items, then the kind's own, ordered by dimension."""
    items = [*COMMON, *BY_KIND[kind]]
    return sorted(items, key=lambda item: DIMENSIONS.index(item.dimension))


def load_checklists(ChecklistItem) -> int:  # noqa: N803 - a model class, real or historical (apps.get_model)
    """Write the default checklists (idempotent: update_or_create by kind and code, so loading twice changes
    nothing and an item the agency retired stays retired). Returns how many items there are for the defaults."""
    count = 0
    for kind in KINDS:
        for order, item in enumerate(default_items(kind), start=1):
            ChecklistItem.objects.update_or_create(
                kind=kind,
                code=item.code,
                defaults={
                    "dimension": item.dimension,
                    "text": item.text,
                    "text_en": item.text_en,
                    "weight": item.weight,
                    "mandatory": item.mandatory,
                    "order": order * 10,
                },
                create_defaults={
                    "dimension": item.dimension,
                    "text": item.text,
                    "text_en": item.text_en,
                    "weight": item.weight,
                    "mandatory": item.mandatory,
                    "order": order * 10,
                    "active": True,
                },
            )
            count += 1
    return count

"""Recipient lists written from the register the way published lists go wrong, with the truth kept aside:
for the demonstration and for `smartkampung bench aid`.

Households are spread over pools that keep the programs' rules (PKH and BPNT together; BST, BLT Dana Desa and
the regency's own aid each alone), then a few are planted in two excluding programs. Each row then gets the
dirt of real lists: no NIK (5%), one NIK digit wrong (3%), the name spelled otherwise (10%), no birth date,
no KK, and 1% of rows listed twice.
"""

import random

import polars as pl

COLUMNS = ["NIK", "NO_KK", "NAMA", "TGL_LAHIR", "ALAMAT", "KODE_DESA"]


def _spell(name: str, rng: random.Random) -> str:
    """The same name as another clerk writes it."""
    words = name.split()
    kind = rng.randrange(6)
    if kind == 0 and words[0] == "MUHAMMAD":
        words[0] = rng.choice(["MOCH.", "M.", "MUHAMAD", "MOCHAMMAD", "MOH."])
    elif kind == 1:
        return name.title()
    elif kind == 2:
        words = ["H." if rng.random() < 0.5 else "HJ.", *words]
    elif kind == 3 and len(words) > 1:
        words = [*words[1:], words[0]] if rng.random() < 0.3 else [*words[:-1], words[-1] + ", S.PD"]
    elif kind == 4 and len(words[-1]) > 4:
        cut = rng.randrange(1, len(words[-1]) - 1)
        words[-1] = words[-1][:cut] + words[-1][cut + 1 :]  # a letter dropped
    elif kind == 5 and len(words[0]) > 3:
        words[0] = words[0].replace("U", "OE", 1) if "U" in words[0] else words[0] + "H"
    return " ".join(words)


def _wrong_digit(nik: str, rng: random.Random) -> str:
    at = rng.randrange(16)
    return nik[:at] + str((int(nik[at]) + rng.randrange(1, 10)) % 10) + nik[at + 1 :]


def _dirty(rows: pl.DataFrame, rng: random.Random) -> pl.DataFrame:
    nik, names, kk = [], [], []
    births = rows["birth_date"].dt.strftime("%d-%m-%Y").fill_null("").to_list()
    for i, (n, name, k) in enumerate(zip(rows["nik"], rows["name"], rows["kk_number"], strict=True)):
        u = rng.random()
        nik.append("" if u < 0.05 else _wrong_digit(n, rng) if u < 0.08 else n)
        names.append(_spell(name, rng) if rng.random() < 0.10 else name)
        kk.append("" if rng.random() < 0.20 else k)
        if rng.random() < 0.30:
            births[i] = ""
    return pl.DataFrame(
        {
            "NIK": nik, "NO_KK": kk, "NAMA": names, "TGL_LAHIR": births, "ALAMAT": ["DUSUN KRAJAN"] * rows.height,
            "KODE_DESA": rows["village"], "_truth": rows["resident_id"],
        }
    )  # fmt: skip


def _draws(rng: random.Random, n: int) -> pl.Series:
    return pl.Series([rng.random() for _ in range(n)])


def make_lists(registry: pl.DataFrame, *, seed: int = 1) -> dict[str, pl.DataFrame]:
    """Program code -> its list (COLUMNS, plus `_truth`: the resident each row was written from)."""
    rng = random.Random(seed)  # noqa: S311 - test data
    # In resident order, and every step order-keeping: the register is read in whatever order the database
    # gives, and the same seed must write the same lists (the benchmark's truth is compared run to run).
    registry = registry.sort("resident_id")
    heads = registry.group_by("household_id", maintain_order=True).first()
    pool, pick, second = (_draws(rng, heads.height) for _ in range(3))
    chosen = {
        "PKH": (pool < 0.40) & (pick < 0.50),
        "BPNT": (pool < 0.40) & (second < 0.85),
        "BST": (pool >= 0.40) & (pool < 0.68),
        "BLT-DD": (pool >= 0.68) & (pool < 0.83),
        "BANSOS-BWI": (pool >= 0.83) & (pool < 0.93),
        "BSP-JATIM": (pool < 0.83) & (_draws(rng, heads.height) < 0.12),
    }
    lists = {code: heads.filter(mask) for code, mask in chosen.items()}
    # Planted: households of PKH/BPNT also on BLT Dana Desa (through another member where there is one),
    # and BST households also on PKH.
    planted_a = heads.filter((pool < 0.40) & (_draws(rng, heads.height) < 0.005))
    others = registry.join(
        planted_a.select("household_id", head="resident_id"), on="household_id", maintain_order="left"
    )
    others = (
        others.filter(pl.col("resident_id") != pl.col("head"))
        .group_by("household_id", maintain_order=True)
        .first()
        .drop("head")
    )
    spouse_or_head = pl.concat(
        [others, planted_a.join(others.select("household_id"), on="household_id", how="anti")], how="diagonal_relaxed"
    ).select(registry.columns)
    lists["BLT-DD"] = pl.concat([lists["BLT-DD"].select(registry.columns), spouse_or_head])
    planted_b = heads.filter((pool >= 0.40) & (pool < 0.68) & (_draws(rng, heads.height) < 0.002))
    lists["PKH"] = pl.concat([lists["PKH"], planted_b]).select(registry.columns)
    people = registry.filter(_draws(rng, registry.height) < 0.05)
    lists["PRAKERJA"] = people.join(
        lists["BLT-DD"].select("household_id"), on="household_id", how="anti", maintain_order="left"
    )
    written = {}
    for code, rows in lists.items():
        rows = rows.select(registry.columns).sort("resident_id")
        twice = rows.filter(_draws(rng, rows.height) < 0.01)
        rows = pl.concat([rows, twice]).sample(fraction=1.0, shuffle=True, seed=rng.randrange(1 << 30))
        written[code] = _dirty(rows, rng)
    return written


def write_csv(frame: pl.DataFrame, path) -> None:
    frame.select(COLUMNS).write_csv(path)

"""`smartkampung bench ktp`: the KTP reader (ktp.reader.read_card, the one behind the API and the pages) on
generated cards photographed as a phone would (ktp.synthetic), against the cards' truth.

Two sets: `--cards` easy photos (a few degrees of tilt, the card filling half the frame or more, JPEG 70-90) and
`--hard` hard ones (tilt and turn up to ~24 degrees, shadows, blur, noise, JPEG 35-50). For each set:
- nik_exact_rate, name_exact_rate, birth_date_rate, sex_rate (and the other fields' rates): the share of cards
  whose settled field equals the truth exactly (a refused photo counts as wrong on every field);
- refused: photos the reader refused (UnreadablePhoto), by code;
- read_p50_s / read_p95_s: one read_card, bytes in, settled reading out, one after another;
- wrong_sure: fields answered wrong with a confidence of 0.9 or more (the ones an officer would not look at).
The hard set's figures carry the prefix `hard_`.

The reads run in a child process that, like a web worker, has Django set up with every app's URLs and API
imported and the model loaded: its peak_rss_mb is the memory such a worker needs (the photos are generated
beforehand by this process, whose own memory does not count). model_load_s: loading the model there.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import random
import resource
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from smartkampung.ktp.vocab import FIELDS

FIELDS_SCORED = FIELDS
RATE_NAMES = {"nik": "nik_exact_rate", "name": "name_exact_rate"}
SURE = 0.9


def _log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _p(samples: list[float], q: float) -> float | None:
    if not samples:
        return None
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))]


def _generate(folder: Path, *, count: int, difficulty: str, seed: int) -> list[dict]:
    """`count` photos written to `folder`, with their truth."""
    from smartkampung.ktp import synthetic

    rng = random.Random(f"{seed}-{difficulty}")
    cards = []
    for index in range(count):
        jpeg, truth = synthetic.sample(rng, difficulty=difficulty)
        path = folder / f"{difficulty}-{index:04d}.jpg"
        path.write_bytes(jpeg)
        cards.append({"path": str(path), "truth": truth})
    return cards


def _memory_mb(key: str = "VmHWM") -> float:
    """This process's peak (VmHWM) or current (VmRSS) resident memory. Not getrusage's ru_maxrss: Linux keeps that
    across fork and exec, so a child would report its parent's peak."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(key + ":"):
                return round(int(line.split()[1]) / 1024, 1)
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)  # not Linux: the best there is


def _worker(sets: dict[str, list[dict]], out: str) -> None:
    """In the child: a web worker's imports, the model, then every card read one after another."""
    import django

    django.setup()
    from django.conf import settings
    from django.urls import get_resolver

    get_resolver(settings.ROOT_URLCONF).url_patterns  # noqa: B018 - import every app's views and API, as a worker
    from smartkampung.ktp import engine
    from smartkampung.ktp.image import UnreadablePhoto
    from smartkampung.ktp.reader import read_card

    rss_before = _memory_mb()
    started = time.perf_counter()
    engine.get_engine()
    load = time.perf_counter() - started
    rss_loaded = _memory_mb()
    results: dict = {"model_load_s": round(load, 3), "rss_django_mb": round(rss_before, 1)}
    results["rss_model_loaded_mb"] = round(rss_loaded, 1)
    for name, cards in sets.items():
        rows = []
        for card in cards:
            data = Path(card["path"]).read_bytes()
            began = time.perf_counter()
            try:
                reading = read_card(data).as_json()
                refused = None
            except UnreadablePhoto as error:
                reading, refused = {}, error.code
            rows.append({"seconds": time.perf_counter() - began, "reading": reading, "refused": refused})
        results[name] = rows
    results["peak_rss_mb"] = _memory_mb()
    results["rss_after_mb"] = _memory_mb("VmRSS")
    Path(out).write_text(json.dumps(results))


def _scores(cards: list[dict], rows: list[dict], prefix: str) -> dict:
    right: Counter = Counter()
    wrong_sure = 0
    for card, row in zip(cards, rows, strict=True):
        truth, reading = card["truth"], row["reading"]
        for field in FIELDS_SCORED:
            if reading.get(field) == truth.get(field):
                right[field] += 1
            elif reading and reading["confidence"].get(field, 0) >= SURE and reading.get(field) is not None:
                wrong_sure += 1
    count = len(cards)
    seconds = [row["seconds"] for row in rows]
    out = {f"{prefix}cards": count}
    for field in FIELDS_SCORED:
        out[prefix + RATE_NAMES.get(field, f"{field}_rate")] = round(right[field] / count, 4) if count else None
    out[f"{prefix}refused"] = dict(Counter(row["refused"] for row in rows if row["refused"]))
    out[f"{prefix}wrong_sure"] = wrong_sure
    out[f"{prefix}read_p50_s"] = round(statistics.median(seconds), 3) if seconds else None
    out[f"{prefix}read_p95_s"] = round(_p(seconds, 95), 3) if seconds else None
    return out


def run(*, cards: int = 200, hard: int = 100, seed: int = 1) -> dict:
    from django.conf import settings

    result: dict = {
        "benchmark": "ktp",
        "cpus": os.cpu_count(),
        "ocr_threads": settings.KTP_OCR_THREADS,
        "seed": seed,
    }
    with tempfile.TemporaryDirectory(prefix="bench-ktp-") as folder:
        started = time.perf_counter()
        _log(f"generating {cards} easy and {hard} hard photos ...")
        sets = {
            "easy": _generate(Path(folder), count=cards, difficulty="easy", seed=seed),
            "hard": _generate(Path(folder), count=hard, difficulty="hard", seed=seed),
        }
        _log(f"  {time.perf_counter() - started:.1f} s; reading them in a fresh worker process ...")
        out = str(Path(folder) / "results.json")
        # A fresh interpreter (spawn), not a fork of this one: its memory is a web worker's, not the generator's.
        child = multiprocessing.get_context("spawn").Process(target=_worker, args=(sets, out))
        child.start()
        child.join()
        if child.exitcode != 0:
            raise RuntimeError(f"the reading process failed (exit code {child.exitcode})")
        measured = json.loads(Path(out).read_text())
    result.update(_scores(sets["easy"], measured["easy"], ""))
    result.update(_scores(sets["hard"], measured["hard"], "hard_"))
    for key in ("peak_rss_mb", "rss_after_mb", "rss_django_mb", "rss_model_loaded_mb", "model_load_s"):
        result[key] = measured[key]
    return result

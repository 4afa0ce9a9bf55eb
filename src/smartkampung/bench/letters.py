"""`smartkampung bench letters`: village letters rendered, signed along a three-signer chain, verified, and issued
concurrently, through the code the pages and the API run (letters.services, letters.verify).

Sets up, if missing, the regions, a bench certificate authority, two villages of one kecamatan each with an
operator, a secretary and a head holding keys of that authority, and a resident in each; then measures
- render_ms_p50: a letter's content (template filled from the register's facts) and its A4 PDF with letterhead, QR
  code and every signature field (letters.content, letters.pdf);
- sign_ms_p50 / sign_ms_p95: one signature as `sign_letter` makes it (the request's row locked, the key opened
  with the passphrase, the PAdES signature, the revision stored; the final one also takes the number);
- full_chain_ms_p50: one letter end to end, one after another: the request at the office (rendered), three
  signatures, then pyHanko's validation of the final file against the trust roots;
- verify_upload_ms_p50: the public upload check of a final letter (letters.verify.verify_upload), and
  verify_modified_ms_p50 of the same letter with one signed byte changed (which must be found: tamper_missed = 0);
- letters_per_s: `--issuers` threads, each with its own database connection, each issuing letters end to end
  (request + three signatures) at the same time in the same two villages, so they contend for one number counter;
- numbering_gaps / numbering_duplicates: every signed letter in the database, per village, type and year, must be
  numbered exactly 1..n (and no number text twice); counter_mismatches: counters that disagree with the letters.
Earlier runs' letters stay (the numbering checks cover them too). Run it against a scratch database:
DATABASE_URL=postgres://…/smartkampung_bench (SQLite serialises the writers: letters_per_s is then one writer's).
"""

import os
import statistics
import sys
import threading
import time
from collections import Counter, defaultdict

from django.conf import settings
from django.db import close_old_connections, connection
from django.db.models import Max

from smartkampung.accounts.models import Role
from smartkampung.core.codes import draw_code
from smartkampung.letters import keys, pdf, services, validation, verify
from smartkampung.letters.content import letter_content, resident_facts
from smartkampung.letters.management.commands import _people
from smartkampung.letters.models import ChainStep, LetterRequest, LetterStep, LetterType, NumberCounter
from smartkampung.letters.selectors import latest_revision, trust_roots
from smartkampung.population.models import Resident
from smartkampung.regions.models import Village
from smartkampung.regions.services import load_regions

BENCH_CA_PASSPHRASE = "bench authority passphrase"  # noqa: S105 - a scratch database's
BENCH_PASSPHRASE = "bench signing passphrase"  # noqa: S105 - a scratch database's
LETTER_TYPE = "sktm"
POSITIONS = (Role.VILLAGE_OPERATOR, Role.VILLAGE_SECRETARY, Role.VILLAGE_HEAD)


def _log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 1)


def _p(samples: list[float], q: float) -> float | None:
    if not samples:
        return None
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))]


# ---------------------------------------------------------------- set-up


def _villages() -> list[Village]:
    """Bakungan and another village of its kecamatan (Glagah)."""
    if not Village.objects.exists():
        _log("loading the regions ...")
        load_regions(regency_code=settings.SMARTKAMPUNG_REGENCY)
    first = Village.objects.select_related("district").get(code=_people.BAKUNGAN)
    second = (
        Village.objects.select_related("district")
        .filter(district_id=first.district_id)
        .exclude(code=first.code)
        .order_by("code")
        .first()
    )
    return [first, second]


def _set_up() -> list[dict]:
    """Per village: its three officials (with keys of the bench authority) and a resident."""
    villages = _villages()
    authority, made = _people.ensure_authority(
        name=f"Smartkampung {keys.regency_name()} Bench Root CA", passphrase=BENCH_CA_PASSPHRASE
    )
    _log(f"bench authority {'made' if made else 'kept'}: {authority.name}")
    places = []
    for village in villages:
        people = {}
        for position, word in zip(POSITIONS, ("operator", "sekdes", "kades"), strict=True):
            user = _people.official(
                f"bench.{word}.{village.code}", position, village=village.code, name=f"Bench {word.title()}"
            )
            _people.ensure_key(user, authority, ca_passphrase=BENCH_CA_PASSPHRASE, passphrase=BENCH_PASSPHRASE)
            people[position] = user
        person = Resident.objects.filter(village=village, name="BENCH LETTERS").first() or _people.resident(
            village.code, name="BENCH LETTERS"
        )
        places.append({"village": village, "people": people, "resident": person})
    return places


# ---------------------------------------------------------------- one letter


def _issue(place: dict, sign_times: list[float] | None = None) -> LetterRequest:
    """A request at the office and the three signatures of its chain."""
    people = place["people"]
    letter = services.request_letter_at_office(
        user=people[Role.VILLAGE_OPERATOR],
        letter_type=LETTER_TYPE,
        nik=place["resident"].nik,
        purpose="bench: berobat",
        files=_people.documents(LETTER_TYPE),
    )
    for step in letter.steps.order_by("order"):
        started = time.perf_counter()
        letter = services.sign_letter(user=people[step.position], code=letter.code, passphrase=BENCH_PASSPHRASE)
        if sign_times is not None:
            sign_times.append(time.perf_counter() - started)
    return letter


def _render_times(place: dict, samples: int) -> list[float]:
    letter_type = LetterType.objects.get(code=LETTER_TYPE)
    chain = [
        LetterStep(order=s.order, position=s.position, action=s.action)
        for s in ChainStep.objects.filter(letter_type=letter_type).order_by("order")
    ]
    resident = Resident.objects.select_related("household", "village__district__regency").get(pk=place["resident"].pk)
    facts = {**resident_facts(resident), "letter.purpose": "bench: berobat"}
    times = []
    for _ in range(samples):
        started = time.perf_counter()
        content = letter_content(
            letter_type=letter_type, village=resident.village, facts=facts, code=draw_code(10), steps=chain
        )
        pdf.render_letter(content)
        times.append(time.perf_counter() - started)
    return times


def _changed_byte(data: bytes) -> bytes:
    """The file with one byte inside its first signed revision changed (in a compressed stream, so the file still
    reads as a PDF)."""
    at = data.index(b"stream", len(data) // 8) + 40
    return data[:at] + bytes([data[at] ^ 0x01]) + data[at + 1 :]


# ---------------------------------------------------------------- concurrency


def _concurrent(places: list[dict], *, issuers: int, letters: int) -> tuple[float, int, list[str]]:
    """`letters` letters issued by `issuers` threads at once, alternating between the villages."""
    barrier = threading.Barrier(issuers + 1, timeout=120)
    errors: list[str] = []
    issued = [0] * issuers
    share = [letters // issuers + (1 if i < letters % issuers else 0) for i in range(issuers)]

    def work(index: int) -> None:
        try:
            barrier.wait()
            for n in range(share[index]):
                _issue(places[(index + n) % len(places)])
                issued[index] += 1
        except Exception as error:  # counted and reported: the bench must show a failure, not hide it
            errors.append(f"{type(error).__name__}: {error}")
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(i,), daemon=True) for i in range(issuers)]
    for thread in threads:
        thread.start()
    barrier.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    return time.perf_counter() - started, sum(issued), errors


# ---------------------------------------------------------------- numbering


def numbering_check() -> dict:
    """Every signed letter's sequence, per village, type and year: exactly 1..n?"""
    groups: dict[tuple, list[int]] = defaultdict(list)
    numbers: Counter = Counter()
    for village, letter_type, year, sequence, number in LetterRequest.objects.filter(
        status=LetterRequest.Status.SIGNED
    ).values_list("village_id", "letter_type_id", "year", "sequence", "number"):
        groups[(village, letter_type, year)].append(sequence)
        numbers[(village, number)] += 1
    gaps = duplicates = 0
    for sequences in groups.values():
        distinct = set(sequences)
        duplicates += len(sequences) - len(distinct)
        gaps += len(set(range(1, max(distinct) + 1)) - distinct)
    duplicates += sum(count - 1 for count in numbers.values() if count > 1)
    last = {
        (c.village_id, c.letter_type_id, c.year): c.last for c in NumberCounter.objects.all()
    }  # a counter ahead of the letters would be a gap to come
    highest = {
        (row["village_id"], row["letter_type_id"], row["year"]): row["top"]
        for row in LetterRequest.objects.filter(status=LetterRequest.Status.SIGNED)
        .values("village_id", "letter_type_id", "year")
        .annotate(top=Max("sequence"))
        .order_by()
    }
    mismatches = sum(1 for key, value in last.items() if highest.get(key, 0) != value)
    return {
        "numbering_groups": len(groups),
        "numbering_gaps": gaps,
        "numbering_duplicates": duplicates,
        "counter_mismatches": mismatches,
    }


# ---------------------------------------------------------------- the run


def run(*, letters: int, issuers: int, concurrent_letters: int | None = None) -> dict:
    result: dict = {"benchmark": "letters", "database": connection.vendor, "cpus": os.cpu_count()}
    places = _set_up()
    roots = trust_roots()
    _log("warming up ...")
    _issue(places[0])  # imports, fonts, the first connection's statements

    _log(f"rendering {letters} letters ...")
    render = _render_times(places[0], letters)

    _log(f"issuing {letters} letters one after another (request, 3 signatures, validation) ...")
    sign_times: list[float] = []
    chains: list[float] = []
    finals: list[bytes] = []
    invalid = 0
    for i in range(letters):
        started = time.perf_counter()
        letter = _issue(places[i % len(places)], sign_times)
        data = bytes(latest_revision(letter).pdf)
        check = validation.check_pdf(data, trust_roots=roots)
        chains.append(time.perf_counter() - started)
        if len(check.signatures) != 3 or not all(s.intact and s.valid and s.trusted for s in check.signatures):
            invalid += 1
        finals.append(data)

    _log(f"verifying {len(finals)} uploads, as issued and with one byte changed ...")
    upload_times, modified_times, not_authentic, missed = [], [], 0, 0
    for data in finals:
        started = time.perf_counter()
        verdict = verify.verify_upload(data)
        upload_times.append(time.perf_counter() - started)
        not_authentic += verdict.kind != verify.AUTHENTIC
        changed = _changed_byte(data)
        started = time.perf_counter()
        verdict = verify.verify_upload(changed)
        modified_times.append(time.perf_counter() - started)
        missed += verdict.kind != verify.MODIFIED

    total = concurrent_letters if concurrent_letters is not None else max(letters, 2 * issuers)
    _log(f"issuing {total} letters with {issuers} concurrent issuers ...")
    close_old_connections()
    wall, issued, errors = _concurrent(places, issuers=issuers, letters=total)
    for error in errors[:5]:
        _log(f"  concurrent failure: {error}")

    result.update(
        letters=letters + issued,
        render_ms_p50=_ms(statistics.median(render)),
        sign_ms_p50=_ms(statistics.median(sign_times)),
        sign_ms_p95=_ms(_p(sign_times, 95)),
        full_chain_ms_p50=_ms(statistics.median(chains)),
        full_chain_ms_p95=_ms(_p(chains, 95)),
        chains_invalid=invalid,
        verify_upload_ms_p50=_ms(statistics.median(upload_times)),
        verify_upload_ms_p95=_ms(_p(upload_times, 95)),
        verify_not_authentic=not_authentic,
        verify_modified_ms_p50=_ms(statistics.median(modified_times)),
        tamper_missed=missed,
        issuers=issuers,
        concurrent_letters=issued,
        concurrent_failures=len(errors),
        letters_per_s=round(issued / wall, 2) if wall else None,
        pdf_kb_p50=round(statistics.median(len(d) for d in finals) / 1024, 1),
    )
    result.update(numbering_check())
    return result

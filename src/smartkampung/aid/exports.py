"""Files for the agency's spreadsheets: the checked list (for every input row what it said, how it matched and
the conflicts it is in) and the priority ranking of affected residents with its reasons. Written by
core.spreadsheets, so no cell is ever a live formula."""

from collections import defaultdict
from collections.abc import Iterable, Iterator

from django.db.models import Q, QuerySet

from smartkampung.aid.models import Conflict, Recipient
from smartkampung.core import spreadsheets

HEADER = [
    "row", "nik", "name", "match_status", "matched_nik", "match_probability", "conflicts", "withdrawn", "village",
]  # fmt: skip


def _conflicts_by_row(rows: QuerySet[Recipient]) -> dict[int, list[str]]:
    found: dict[int, list[str]] = defaultdict(list)
    ids = rows.values("pk")
    open_or_decided = Conflict.objects.exclude(status=Conflict.Status.GONE).filter(Q(first__in=ids) | Q(second__in=ids))
    for first, second, kind, status in open_or_decided.values_list("first_id", "second_id", "kind", "status"):
        text = kind if status == Conflict.Status.OPEN else f"{kind} (resolved)"
        for pk in (first, second):
            if pk:
                found[pk].append(text)
    return found


def rows_of(rows: QuerySet[Recipient]) -> Iterator[list]:
    conflicts = _conflicts_by_row(rows)
    yield HEADER
    values = rows.order_by("row_number").values_list(
        "pk", "row_number", "nik", "name", "status", "resident__nik", "probability", "withdrawn", "village_id"
    )
    for pk, number, nik, name, status, matched, probability, withdrawn, village in values.iterator(chunk_size=5000):
        yield [
            number, nik, name, status, matched or "", "" if probability is None else f"{probability:.4f}",
            "; ".join(conflicts.get(pk, [])), "yes" if withdrawn else "", village or "",
        ]  # fmt: skip


RANKING_HEADER = [
    "rank", "score", "nik", "name", "village", "sector", "impact", "since", "income_lost_per_month", "employer",
    "source", "reasons",
]  # fmt: skip


def ranking_rows(ranked) -> Iterator[list]:
    """The ranking (aid.priority.rank) as rows, each with its reasons as "factor: value = points"."""
    yield RANKING_HEADER
    for item in ranked:
        p = item.person
        yield [
            item.rank, item.score, p.resident.nik, p.resident.name, p.village.name, p.get_sector_display(),
            p.get_impact_display(), p.since.isoformat(), "" if p.income_lost is None else int(p.income_lost),
            p.employer, p.get_source_display(),
            "; ".join(f"{factor}: {value} = {points:g}" for _code, factor, value, points in item.reasons),
        ]  # fmt: skip


def csv_lines(lines: Iterable[list]) -> Iterator[str]:
    return spreadsheets.csv_lines(lines)


def xlsx_bytes(lines: Iterable[list], sheet_name: str) -> bytes:
    return spreadsheets.xlsx_bytes(lines, sheet_name)

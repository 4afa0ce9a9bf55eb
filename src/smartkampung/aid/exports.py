"""The checked list as a file: for every input row what it said, how it matched and the conflicts it is in."""

import csv
import io
from collections import defaultdict
from collections.abc import Iterator

from django.db.models import Q, QuerySet

from smartkampung.aid.models import Conflict, Recipient

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


class _Echo:
    def write(self, value):
        return value


def csv_lines(rows: QuerySet[Recipient]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    for row in rows_of(rows):
        yield writer.writerow(row)


def xlsx_bytes(rows: QuerySet[Recipient]) -> bytes:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("checked")
    for row in rows_of(rows):
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()

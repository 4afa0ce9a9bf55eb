import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from smartkampung.aid.crosscheck import FOUND_BY_NIK, PROBABLE, REVIEW, SIDE, CrossCheck, cross_check
from smartkampung.aid.explain import words
from smartkampung.aid.linkage_backend import BACKENDS, BackendUnavailable
from smartkampung.audit import services as audit
from smartkampung.core import spreadsheets
from smartkampung.regions.models import Regency

HEADER = ["found_by", "probability", *[f"{side}_{c}" for side in ("first", "second") for c in SIDE], "why"]


class Command(BaseCommand):
    help = (
        "Cross-check the current aid lists of every regency in the database against each other: a person listed "
        "in two regencies, by NIK or by probable match (the lists' linkage model). Prints a summary; --csv writes "
        "every pair found."
    )

    def add_arguments(self, parser):
        parser.add_argument("--backend", choices=BACKENDS, help="linkage backend (default: AID_LINKAGE_BACKEND)")
        parser.add_argument("--csv", type=Path, help="write the pairs found to this CSV file")
        parser.add_argument("--show", type=int, default=20, help="pairs to print (default 20; 0: none)")

    def handle(self, *args, backend: str | None, csv: Path | None, show: int, **options):
        if csv is not None and not csv.parent.is_dir():
            raise CommandError(f"The folder of {csv} does not exist.")
        try:
            found = cross_check(backend=backend)
        except BackendUnavailable as exc:
            raise CommandError(str(exc)) from exc
        names = _regency_names(found)
        self._summary(found, names)
        for line in _pair_lines(found, names)[: max(show, 0)]:
            self.stdout.write(f"  {line}")
        if show and found.pairs.height > show:
            self.stdout.write(f"  … and {found.pairs.height - show:,} more" + ("" if csv else " (--csv writes all)"))
        if csv is not None:
            with csv.open("w", encoding="utf-8", newline="") as out:
                out.writelines(spreadsheets.csv_lines(_csv_rows(found)))
            self.stdout.write(f"Written: {csv} ({found.pairs.height:,} pairs).")
        # Personal data (who is listed where) leaves the database here: recorded as the list exports are.
        audit.record(
            action="export", object_type="aid_crosscheck", subject="regencies",
            detail={"backend": found.backend, "pairs": found.pairs.height, "csv": csv is not None},
        )  # fmt: skip

    def _summary(self, found: CrossCheck, names: dict[str, str]) -> None:
        regencies = "; ".join(f"{code} {names.get(code, '?')}: {n:,}" for code, n in found.rows_by_regency.items())
        compared = sum(found.rows_by_regency.values())
        self.stdout.write(f"Cross-check of the current aid lists between regencies (backend {found.backend}).")
        self.stdout.write(
            f"Rows compared: {compared:,} in {len(found.rows_by_regency)} regencies ({regencies or '-'})."
        )
        if found.unplaced:
            self.stdout.write(f"Rows without a village, not compared: {found.unplaced:,}.")
        if len(found.rows_by_regency) < 2:
            self.stdout.write("Fewer than two regencies have listed rows: nothing to cross-check.")
        self.stdout.write(
            f"Listed in two regencies: {found.count(FOUND_BY_NIK):,} by NIK, {found.count(PROBABLE):,} by probable "
            f"match, {found.count(REVIEW):,} to review."
        )
        if not found.pairs.height:
            return
        by_pair = found.pairs.group_by("first_regency", "second_regency", "found_by").len()
        by_pair = by_pair.sort("first_regency", "second_regency")
        for (first, second), group in by_pair.group_by("first_regency", "second_regency", maintain_order=True):
            counts = dict(group.select("found_by", "len").iter_rows())
            self.stdout.write(
                f"  {first} {names.get(first, '?')} – {second} {names.get(second, '?')}: "
                f"{counts.get(FOUND_BY_NIK, 0):,} by NIK, {counts.get(PROBABLE, 0):,} probable, "
                f"{counts.get(REVIEW, 0):,} to review"
            )


def _regency_names(found: CrossCheck) -> dict[str, str]:
    codes = set(found.rows_by_regency)
    return dict(Regency.objects.filter(code__in=codes).values_list("code", "name"))


def _side(row: dict, side: str, names: dict[str, str]) -> str:
    regency = row[f"{side}_regency"]
    return (
        f"{row[f'{side}_program']} {row[f'{side}_period']} row {row[f'{side}_row_number']} "
        f"({names.get(regency, regency)}, village {row[f'{side}_village']}): {row[f'{side}_name']}, "
        f"NIK {row[f'{side}_nik'] or '-'}"
    )


def _how(row: dict) -> str:
    if row["found_by"] == FOUND_BY_NIK:
        return "the same NIK"
    label = "probable" if row["found_by"] == PROBABLE else "to review"
    return f"{label}, p = {row['probability']:.4f}"


def _pair_lines(found: CrossCheck, names: dict[str, str]) -> list[str]:
    return [
        f"{_how(row)}: {_side(row, 'first', names)} | {_side(row, 'second', names)}"
        for row in found.pairs.iter_rows(named=True)
    ]


def _csv_rows(found: CrossCheck):
    yield HEADER
    for row in found.pairs.iter_rows(named=True):
        why = "; ".join(
            f"{field}: {seen}" + (f" ×{weight:g}" if weight is not None and row["found_by"] != FOUND_BY_NIK else "")
            for field, seen, weight in words(json.loads(row["explanation"] or "[]"))
        )
        probability = "" if row["probability"] is None else f"{row['probability']:.6f}"
        yield [
            row["found_by"], probability, *[row[f"{side}_{c}"] for side in ("first", "second") for c in SIDE], why,
        ]  # fmt: skip

import json
import sys
from collections.abc import Iterable, Iterator
from typing import Any, TextIO

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.utils import translation

from smartkampung.regions.nik import parse_nik


def _lines(stream: TextIO) -> Iterator[str]:
    # Blank lines (a trailing newline, a spreadsheet's empty rows) are not NIKs to report.
    for line in stream:
        if line.strip():
            yield line


class Command(BaseCommand):
    help = (
        "Check NIK numbers without a database and print one JSON object per NIK, one per line. "
        "Exits with status 0 when every NIK is valid, 1 otherwise."
    )
    # Pure validation: it must work before migrations, and checks would only slow a pipe.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "niks",
            nargs="+",
            metavar="NIK",
            help="a 16-digit NIK, or - to read NIKs from standard input, one per line",
        )
        parser.add_argument(
            "--lang",
            choices=[code for code, _name in settings.LANGUAGES],
            default=None,
            help=f"language of the error messages (default: the site language, {settings.LANGUAGE_CODE})",
        )

    def handle(self, *args: Any, niks: list[str], lang: str | None, **options: Any) -> None:
        stdin: TextIO = options.get("stdin") or sys.stdin
        all_valid = True
        with translation.override(lang or settings.LANGUAGE_CODE):
            for value in self._values(niks, stdin):
                result = parse_nik(value)
                all_valid = all_valid and result.valid
                self.stdout.write(json.dumps(result.as_json(), ensure_ascii=False))
        self.stdout.flush()
        if not all_valid:
            sys.exit(1)

    @staticmethod
    def _values(niks: list[str], stdin: TextIO) -> Iterable[str]:
        for value in niks:
            if value == "-":
                # Streamed, so a whole register can be piped through without holding it in memory.
                yield from _lines(stdin)
            else:
                yield value

"""Turning a KTP value as the OCR read it into its printed form: digits where digits belong, letters where words do.

A card is printed in capitals, so what an OCR returns in lower case, or a digit inside a name, is a confusion of
shapes (O/0, I/1/l, S/5, B/8, ...); these functions undo it according to what the field holds. Pure functions.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process

__all__ = [
    "Printed",
    "address",
    "best",
    "digits",
    "hamming",
    "key",
    "person_name",
    "rt_rw",
    "spaces",
    "split_birth",
    "strip_label",
    "words",
]

# What an OCR reads for a digit in a field of digits (NIK, dates, RT/RW).
_AS_DIGIT = str.maketrans(
    {
        "O": "0", "o": "0", "D": "0", "Q": "0", "U": "0", "C": "0",
        "I": "1", "l": "1", "|": "1", "!": "1", "i": "1", "L": "1", "J": "1", "j": "1", "T": "7",
        "Z": "2", "z": "2", "S": "5", "s": "5", "B": "8", "G": "6", "b": "6", "g": "9", "q": "9", "A": "4",
    }
)  # fmt: skip
# ...and for a letter in a field of words (names, places, vocabularies); "l" before upper-casing, where it is
# an I (a card has no lower case).
_AS_LETTER = str.maketrans({"0": "O", "1": "I", "5": "S", "8": "B", "6": "G", "2": "Z", "4": "A", "7": "T", "|": "I"})
_LOWER_L = str.maketrans({"l": "I"})

# A name keeps letters, spaces and the marks of titles and abbreviations ("H. AHMAD", "SITI, S.PD", "O'NEIL").
_NAME_JUNK = re.compile(r"[^A-Z .,'\-]")
_LEADING = " :;.,'-_=~*\"`"
_TRAILING = " :;,'-_=~*\"`"


def strip_label(text: str) -> str:
    """Drop what is left of a label's colon and stray marks around a value.

    NFKC first: the OCR returns full-width marks and digits ("：002/012") as often as ASCII ones. A colon in the
    first few characters is the label's, with whatever the label left before it ("r：BANYUWANGI").
    """
    value = unicodedata.normalize("NFKC", text).strip()
    value = re.sub(r"^\S{0,2}\s*[:;]\s*", "", value)
    return value.lstrip(_LEADING).rstrip(_TRAILING).strip()


def spaces(text: str) -> str:
    return " ".join(text.split())


def words(text: str) -> str:
    """A value of words: upper case, digits the OCR put for letters turned back, spacing normalised."""
    return spaces(strip_label(text).translate(_LOWER_L).upper().translate(_AS_LETTER))


def address(text: str) -> str:
    """An address keeps its digits (house numbers); "JL." and "NO." are printed with a space after them, which
    the OCR often loses ("JL.LEMBONG NO.159", "KEBONJATINO.115")."""
    value = spaces(strip_label(text).translate(_LOWER_L).upper())
    value = re.sub(r"(?<=[A-Z])NO\.\s*(?=\d)", " NO. ", value)
    value = re.sub(r"\b(JL|JLN|NO|GG|KOMP|PERUM|DS|DSN)\.(?=[A-Z0-9])", r"\1. ", value)
    return spaces(value)


# Balinese names open with the sex (I, NI) and the birth order, which the OCR may glue to what follows.
_BALINESE = re.compile(r"^(I|NI)\s*(GEDE|GEDHE|PUTU|WAYAN|MADE|KADEK|NENGAH|NYOMAN|KOMANG|KETUT|LUH|GUSTI)\s*(?=[A-Z])")


def person_name(text: str) -> str:
    """A person's or place's name: `words` without marks a name never carries; a comma spaced as printed
    ("ABDUL PRABOWO, S.H"), a full stop left as read ("H. AHMAD", "S.PD")."""
    value = spaces(_NAME_JUNK.sub(" ", words(text)))
    value = re.sub(r"\s+([.,])", r"\1", value)
    value = re.sub(r",(?=\S)", ", ", value)
    value = re.sub(r"\s*-\s*", "-", value)
    value = _BALINESE.sub(lambda m: f"{m.group(1)} {m.group(2)} ", value)
    return spaces(value).strip(" ,-'").strip()


def key(text: str) -> str:
    """What fuzzy matching compares: letters and digits only, so spacing and marks do not count."""
    return re.sub(r"[^A-Z0-9]", "", words(text))


def digits(text: str) -> tuple[str, set[int]]:
    """The digits of a value and the positions (in the digits) that were read as something else."""
    out: list[str] = []
    suspect: set[int] = set()
    for ch in unicodedata.normalize("NFKC", text):
        if "0" <= ch <= "9":
            out.append(ch)
            continue
        mapped = ch.translate(_AS_DIGIT)
        if mapped != ch:
            suspect.add(len(out))
            out.append(mapped)
    return "".join(out), suspect


def hamming(a: str, b: str) -> int:
    """How many positions differ (the longer length when the lengths differ)."""
    return sum(x != y for x, y in zip(a, b, strict=True)) if len(a) == len(b) else max(len(a), len(b))


def best(query: str, choices: dict[str, str], minimum: float) -> tuple[str, float] | None:
    """(key of the choice, score 0..100) of the best fuzzy match among {key: comparable text}, if >= minimum."""
    if not query or not choices:
        return None
    hit = process.extractOne(query, choices, scorer=fuzz.ratio, score_cutoff=minimum)
    return (hit[2], float(hit[1])) if hit else None


def rt_rw(text: str) -> str | None:
    """ "001/004" from "001/004", "OO1 / OO4", "1/4", "001004" or "001|004" (a slash read as a bar)."""
    value = strip_label(text)
    groups = [g for g in re.split(r"\s*[/\\]\s*|\s+", value) if g]
    if len(groups) != 2:
        bar = re.fullmatch(r"(\S{1,3})[|lI!](\S{1,3})", value.replace(" ", ""))
        run, _suspect = digits(value)
        if bar is not None:
            groups = list(bar.groups())
        elif len(run) == 6 and len(value.replace(" ", "")) == 6:
            groups = [run[:3], run[3:]]
        else:
            return None
    parts = [digits(g)[0] for g in groups]
    # Every character must have been a digit (or read as one): "RT 1" is not an RT of 1.
    if not all(p and len(p) <= 3 and len(p) == len(g) for p, g in zip(parts, groups, strict=True)):
        return None
    return f"{int(parts[0]):03d}/{int(parts[1]):03d}"


# --- the printed birth date ----------------------------------------------------------------------------------

_D = r"[0-9OoDQIl|!iLSZBGTbgq]"
_DATE = re.compile(rf"({_D}{{1,2}})\s*[-/.,\s]\s*({_D}{{1,2}})\s*[-/.,\s]\s*({_D}{{4}})")
_DATE_RUN = re.compile(rf"({_D}{{2}})({_D}{{2}})({_D}{{4}})")


@dataclass
class Printed:
    """The birth date as printed: its digits (DD, MM, YYYY), the positions in DDMMYYYY read off a letter, the
    OCR's confidence, and the date when it is a real one."""

    day: str
    month: str
    year: str
    suspect: set[int] = field(default_factory=set)
    confidence: float = 0.0

    @property
    def date(self) -> datetime.date | None:
        try:
            value = datetime.date(int(self.year), int(self.month), int(self.day))
        except ValueError:
            return None
        # Nobody carrying a KTP was born more than 110 years ago: such a year is a misread.
        today = datetime.date.today()
        return value if today.year - 110 <= value.year and value <= today else None

    def text(self) -> str:
        return f"{self.day}-{self.month}-{self.year}"

    def nik_part(self, sex: str) -> str:
        """The NIK's six date digits (DDMMYY, day + 40 for women) this printed date means."""
        day = int(self.day) + (40 if sex == "female" else 0)
        return f"{day:02d}{self.month}{self.year[2:]}"


def split_birth(text: str, confidence: float) -> tuple[str | None, Printed | None]:
    """(place, printed date) from "BANYUWANGI, 07-08-1985" (or either alone)."""
    match = _DATE.search(text) or _DATE_RUN.search(text)
    if match is None:
        return (text or None), None
    parts: list[str] = []
    suspect: set[int] = set()
    offset = 0
    for i, group in enumerate(match.groups()):
        run, bad = digits(group)
        width = 2 if i < 2 else 4
        pad = width - len(run)
        suspect |= {offset + pad + p for p in bad}
        parts.append(run.zfill(width))
        offset += width
    place = text[: match.start()].strip(" ,.:;")
    return (place or None), Printed(*parts, suspect=suspect, confidence=confidence)

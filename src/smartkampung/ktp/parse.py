"""From the OCR's text boxes to the card's fields as printed: {field: (text, confidence)}.

An e-KTP prints its fields in one fixed order, each on its own row: a label ("Nama", "Tempat/Tgl Lahir", ...), a
colon, the value; the NIK above them in large print, the province and regency as a header, the photo with the
place and date of issue on the right. The OCR may read a label, its colon and its value as one box or as two,
may lose a faint label or read it garbled, and a card may still be slightly turned after it was flattened. So:
the boxes are levelled by the text's own slant, grouped into rows by their height on the card, each row's label
is recognised fuzzily (RapidFuzz), and a row whose label was not read takes its field from its place among the
rows whose labels were (the rows are evenly spaced). The values are left as printed: checks.settle decides what
they mean.
"""

from __future__ import annotations

import math
import re
import statistics
import unicodedata
from dataclasses import dataclass, replace

from rapidfuzz import fuzz

from smartkampung.ktp.engine import Line
from smartkampung.ktp.vocab import MARITAL_STATUSES, NATIONALITIES, OCCUPATIONS, RELIGIONS, SEXES

# The rows under the NIK, in the card's order: (field, label as printed).
ROWS: tuple[tuple[str, str], ...] = (
    ("name", "Nama"),
    ("birth", "Tempat/Tgl Lahir"),
    ("sex", "Jenis Kelamin"),
    ("address", "Alamat"),
    ("rt_rw", "RT/RW"),
    ("village", "Kel/Desa"),
    ("district", "Kecamatan"),
    ("religion", "Agama"),
    ("marital_status", "Status Perkawinan"),
    ("occupation", "Pekerjaan"),
    ("nationality", "Kewarganegaraan"),
    ("valid_until", "Berlaku Hingga"),
)
SLOT = {name: index for index, (name, _label) in enumerate(ROWS)}
# Other words a label is printed or read as (older cards: "Kel/Desa" as "Desa/Kel", "Gol Darah" beside the sex).
ALIASES: dict[str, tuple[str, ...]] = {
    "village": ("Desa/Kel", "Kelurahan/Desa", "Desa"),
    "birth": ("Tempat/Tgl. Lahir", "Tempat Tgl Lahir", "Tempat/Tanggal Lahir"),
    "rt_rw": ("RT RW",),
    "nationality": ("Kewarganegaraan WNI",),
}
LABEL_SCORE = 78  # a row's first words read as a label this well (0..100) are that label
UNLABELLED = 0.85  # a value placed by its row's position, not by its label, is that much less sure

# Letters the recogniser reads for digits in a number print.
DIGIT_LOOKALIKES = str.maketrans(
    {"O": "0", "o": "0", "D": "0", "Q": "0", "U": "0", "I": "1", "l": "1", "|": "1", "i": "1", "L": "1",
     "!": "1", "Z": "2", "z": "2", "S": "5", "s": "5", "B": "8", "G": "6", "b": "6", "T": "7", "A": "4",
     "g": "9", "q": "9"}
)  # fmt: skip
QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "`": "'", "\u00b4": "'", "\u201c": '"', "\u201d": '"'})
DATE = re.compile(r"(\d{1,2})\s*[-./,]?\s*(\d{1,2})\s*[-./,]?\s*(\d{4})")


def _squash(text: str) -> str:
    """Lowercase letters and digits only: how labels are compared."""
    return re.sub(r"[^0-9a-z]", "", text.lower())


@dataclass
class _Box:
    text: str
    score: float
    x: float  # left edge, levelled
    right: float
    y: float  # centre, levelled
    height: float


@dataclass
class _Row:
    boxes: list[_Box]

    @property
    def y(self) -> float:
        return statistics.fmean(b.y for b in self.boxes)

    @property
    def left(self) -> float:
        return min(b.x for b in self.boxes)


def _slant(lines: list[Line]) -> float:
    """The text's slant (radians), from the top edges of the wider boxes."""
    angles = []
    for line in lines:
        (x0, y0), (x1, y1) = line.box[0], line.box[1]
        if x1 - x0 > 2 * max(1.0, line.height / 2):
            angles.append(math.atan2(y1 - y0, x1 - x0))
    return statistics.median(angles) if angles else 0.0


def _ascii(text: str) -> str:
    """The text as a card prints it: ASCII only (the recogniser also knows Chinese, and full-width colons)."""
    text = unicodedata.normalize("NFKC", text).translate(QUOTES)
    return re.sub(r"\s+", " ", re.sub(r"[^\x20-\x7e]", " ", text)).strip()


def _levelled(lines: list[Line]) -> list[_Box]:
    angle = _slant(lines)
    cos, sin = math.cos(-angle), math.sin(-angle)
    boxes = []
    for line in lines:
        points = [(x * cos - y * sin, x * sin + y * cos) for x, y in line.box]
        xs, ys = [p[0] for p in points], [p[1] for p in points]
        boxes.append(
            _Box(
                text=_ascii(line.text),
                score=line.score,
                x=min(xs),
                right=max(xs),
                y=sum(ys) / len(ys),
                height=(max(ys) - min(ys)),
            )
        )
    return boxes


def _rows(boxes: list[_Box], line_height: float) -> list[_Row]:
    """Boxes whose centres lie within half a line of each other form one row, left to right."""
    rows: list[_Row] = []
    for box in sorted(boxes, key=lambda b: b.y):
        if rows and abs(box.y - rows[-1].y) < 0.5 * line_height:
            rows[-1].boxes.append(box)
        else:
            rows.append(_Row([box]))
    for row in rows:
        row.boxes.sort(key=lambda b: b.x)
    return rows


# ---------------------------------------------------------------- labels


def _label_candidates() -> list[tuple[str, str]]:
    out = [(field, label) for field, label in ROWS]
    out += [(field, alias) for field, aliases in ALIASES.items() for alias in aliases]
    return out


_LABELS = [(field, _squash(label)) for field, label in _label_candidates()]


def _split_label(text: str) -> tuple[str | None, float, str]:
    """(field, how well its label matched 0..100, the rest of the text) for a row's text that starts with a
    label (or (None, 0, text))."""
    # Tokens split at spaces and colons, remembering where each ends in the text.
    tokens = [(m.group(), m.end()) for m in re.finditer(r"[^\s:]+", text)]
    best: tuple[str | None, float, int] = (None, 0.0, 0)
    for count in range(1, min(4, len(tokens)) + 1):
        prefix = _squash("".join(t for t, _end in tokens[:count]))
        if not prefix:
            continue
        for field, label in _LABELS:
            if abs(len(prefix) - len(label)) > max(2, len(label) // 3):
                continue
            score = fuzz.ratio(prefix, label)
            if len(label) <= 4 and score < 100 and not (len(label) == 4 and score >= 75):
                continue  # a short label ("Nama") must be read nearly whole, or any short word is one
            if score > best[1]:
                best = (field, score, tokens[count - 1][1])
    if best[0] is None or best[1] < LABEL_SCORE:
        return None, 0.0, text
    return best[0], best[1], text[best[2] :]


def _value_text(text: str) -> str:
    """The value without the colon and spaces around it (and the label's last letter the OCR took with the
    colon: "r: SITUBONDO"), in capitals as the card prints every value."""
    text = re.sub(r"^\s*[A-Za-z]{0,2}\s*[:;]", "", text)
    return re.sub(r"\s+", " ", text.strip().lstrip(":;.,").strip()).upper()


# ---------------------------------------------------------------- special rows


def nik_digits(text: str) -> str:
    """The digits of a NIK as read: lookalike letters read as digits, everything else dropped."""
    return re.sub(r"\D", "", text.translate(DIGIT_LOOKALIKES))


def _find_nik(rows: list[_Row]) -> tuple[int | None, str, float]:
    """(row index, text, confidence) of the NIK: the row with the "NIK" label or the longest run of digits (14 to
    18, allowing for a digit lost or doubled). The text is the number as read, its label, spaces and colons
    dropped but lookalike letters kept ("35100B..."): checks.settle reads them as digits and knows which were
    letters (a digit read off a letter is the likelier misread)."""
    best: tuple[int | None, str, float, float] = (None, "", 0.0, 0.0)
    for index, row in enumerate(rows):
        for box in row.boxes:
            label = re.match(r"^\s*N\s*[I1l|]\s*K\s*[:;.]?", box.text, re.IGNORECASE)
            rest = box.text[label.end() :] if label else box.text
            digits = nik_digits(rest.replace(" ", ""))
            plain = len(re.sub(r"\D", "", rest))  # real digits, not lookalikes
            if not 14 <= len(digits) <= 18 or plain < 12:
                continue
            has_label = bool(label) or any(_squash(b.text) in ("nik", "n1k", "nlk") for b in row.boxes)
            rank = (has_label * 10) + (len(digits) == 16) * 5 + box.score - abs(len(digits) - 16)
            if rank > best[3]:
                text = re.sub(r"[^0-9A-Za-z|!]", "", rest)
                best = (index, text, box.score, rank)
    return best[0], best[1], best[2]


def _header(rows: list[_Row], before: int) -> dict[str, tuple[str, float]]:
    out: dict[str, tuple[str, float]] = {}
    for row in rows[:before]:
        text = " ".join(b.text for b in row.boxes).strip()
        score = min(b.score for b in row.boxes)
        upper = text.upper()
        match = re.match(r"^\s*PR[O0]V[I1L]NS[I1L]\s*(.*)$", upper)
        if match and "province" not in out:
            out["province"] = (match.group(1).strip(), score)
        elif re.match(r"^\s*(KABUPATEN|KAB\.?|KOTA)\b", upper) or fuzz.partial_ratio("KABUPATEN", upper[:10]) > 85:
            out.setdefault("regency", (re.sub(r"\s+", " ", upper).strip(), score))
    return out


# ---------------------------------------------------------------- the card


def _row_values(row: _Row, line_height: float, width: float | None) -> tuple[str | None, float, str, float]:
    """(field by label or None, label match 0..100, value text, value confidence) of one row."""
    # The photo's column starts about three quarters across the card; the values about a quarter across.
    boxes = [b for b in row.boxes if width is None or b.x < 0.745 * width]
    if not boxes:
        return None, 0.0, "", 0.0
    first, *others = boxes
    field, score, rest = _split_label(first.text)
    if field is None and others:
        joined, joined_score, joined_rest = _split_label(f"{first.text} {others[0].text}")
        if joined is not None and len(joined_rest) < len(others[0].text):
            # A label read in two boxes ("Status" "Perkawinan"), the second carrying the value's start too.
            field, score, rest = joined, joined_score, joined_rest
            first, others = replace(others[0], text=joined_rest), others[1:]
        elif (width is not None and first.right < 0.235 * width) or others[0].text.lstrip().startswith((":", ";")):
            # A label not read as one, yet plainly a label: left of the values' column, or followed by the box
            # that starts with the colon. The value is what follows.
            first, others = others[0], others[1:]
            rest = first.text
    if field is None:
        rest = first.text
    if not _value_text(rest) and others:
        # The first box was the label alone: the value is the next box, however far the colon put it.
        first, others = others[0], others[1:]
        rest = first.text
    # A value ends where a wide gap opens: beyond it is another column (the blood group beside the sex, the
    # place and date of issue under the photo).
    kept = [first]
    for box in others:
        if box.x - kept[-1].right > 2.5 * line_height:
            break
        kept.append(box)
    text = " ".join([rest, *(b.text for b in kept[1:])])
    if field is None:
        # A label read too garbled to know, with its colon and value in one box: a value has no colon, so
        # letters then a colon at the start are a label ("SETUN PERKEWTNAN : KAWIN").
        text = re.sub(r"^[A-Za-z/. ]{3,24}[:;]", "", text)
    value = _value_text(text)
    return field, score, value, min(b.score for b in kept)


def _cut_blood_group(value: str) -> str:
    """The sex row's value without the blood group printed beside it ("LAKI-LAKI Gol. Darah : O"): the sex is
    one word ("LAKI-LAKI", "PEREMPUAN")."""
    first = value.split(" ", 1)[0]
    if max(fuzz.ratio(first.upper(), word) for words in SEXES.values() for word in words) >= 70:
        return first
    match = re.search(r"\b(G[o0]l\.?|Darah)\b", value, re.IGNORECASE)
    return value[: match.start()].strip() if match else value


# The titles a name may carry before or after it, and Bali's birth-order names after "I" (men) and "NI" (women):
# the recogniser often loses the space after a one-letter word or an abbreviation's full stop.
TITLES = r"H|HJ|DR|DRS|DRA|IR|PROF|KH|R|RA|RR|M|MOCH|MOH|MUH|NY"
BALI = r"WAYAN|MADE|NYOMAN|KETUT|GEDE|PUTU|LUH|KADEK|KOMANG|GUSTI|DEWA|DESAK|AYU|GEDE|NENGAH|GEDHE"


def _spaced_name(value: str) -> str:
    """A name with the spaces a card prints ("INYOMAN" -> "I NYOMAN", "H.NYOMAN" -> "H. NYOMAN")."""
    value = re.sub(rf"\b({TITLES})\.(?=[A-Z])", r"\1. ", value)
    value = re.sub(rf"\b(I|NI)(?=({BALI})\b)", r"\1 ", value)
    return re.sub(r"\b(NI|I) ?(GUSTI|DEWA)(AYU|GEDE|NGURAH|MADE|PUTU|KETUT)\b", r"\1 \2 \3", value)


def _spaced_address(value: str) -> str:
    """An address with the space a card prints after its abbreviations ("JL.MERDEKA NO.150" -> "JL. MERDEKA
    NO. 150"), which the recogniser often loses."""
    return re.sub(r"\b(JL|JLN|GG|NO|DS|DSN|KP|PERUM|BLOK)\.(?=[A-Z0-9])", r"\1. ", value)


def _split_birth(value: str) -> dict[str, str]:
    """ "BANYUWANGI, 04-08-1977" -> place and date (as printed)."""
    out = {}
    match = DATE.search(value)
    if match:
        out["birth_date"] = match.group(0).strip()
        place = value[: match.start()]
    else:
        place = value
    place = re.sub(r"[\s,.;:]+$", "", place).strip()
    if place:
        out["birth_place"] = place
    return out


def _content_slot(value: str) -> int | None:
    """The row a value belongs to by what it says, whatever its label: a value only one row prints."""
    upper = value.upper()
    squashed = re.sub(r"[^A-Z0-9/]", "", upper)
    if re.search(r"[A-Z]{3}", upper) and DATE.search(value):
        return SLOT["birth"]
    if re.fullmatch(r"[0-9OIlDSB]{3}/[0-9OIlDSB]{3}", squashed):
        return SLOT["rt_rw"]
    best = max(_VOCABULARY, key=lambda item: fuzz.ratio(squashed, item[1]))
    if fuzz.ratio(squashed, best[1]) >= 80:
        return SLOT[best[0]]
    return None


def _vocabulary() -> list[tuple[str, str]]:
    words = [("sex", w) for words in SEXES.values() for w in words]
    words += [("religion", w) for words in RELIGIONS.values() for w in words]
    words += [("marital_status", w) for words in MARITAL_STATUSES.values() for w in words]
    words += [("nationality", w) for w in NATIONALITIES]
    words += [("valid_until", "SEUMUR HIDUP")]
    words += [("occupation", w) for w in OCCUPATIONS if len(w) >= 6]
    return [(field, re.sub(r"[^A-Z0-9/]", "", word.upper())) for field, word in words]


_VOCABULARY = _vocabulary()


def _fit(anchors: list[tuple[int, float, float]]):
    """slot = a + y / pitch fitted to (slot, y, weight) anchors, least squares, dropping anchors that disagree
    with the rest by more than half a row; None when fewer than two rows agree."""
    while len({slot for slot, _y, _w in anchors}) >= 2:
        total = sum(w for _s, _y, w in anchors)
        mean_s = sum(s * w for s, _y, w in anchors) / total
        mean_y = sum(y * w for _s, y, w in anchors) / total
        spread = sum(w * (y - mean_y) ** 2 for _s, y, w in anchors)
        if spread <= 0:
            return None
        per_px = sum(w * (s - mean_s) * (y - mean_y) for s, y, w in anchors) / spread
        if per_px <= 0:
            return None

        def slot_of(y: float, mean_s=mean_s, mean_y=mean_y, per_px=per_px) -> float:
            return mean_s + (y - mean_y) * per_px

        errors = [abs(slot_of(y) - s) for s, y, _w in anchors]
        worst = max(range(len(anchors)), key=errors.__getitem__)
        if errors[worst] <= 0.45:
            return slot_of
        anchors = anchors[:worst] + anchors[worst + 1 :]
    return None


# Where the rows lie on the flat card (the reader's CARD_WIDTH-wide copy, image.CARD_WIDTH): the name's row
# centre and the rows' spacing, as fractions of the card's width (an e-KTP: about 0.26 and 0.055 of its height).
NAME_ROW_Y = 0.165
ROW_PITCH = 0.0346


def parse_lines(lines: list[Line], *, width: float | None = None) -> dict[str, tuple[str, float]]:
    """The card's fields as printed, from the OCR's lines of the card (flat and `width` px wide when the card was
    found: the photo's column on the right is then ignored by its place, and the rows' places are known)."""
    lines = [line for line in lines if line.text.strip()]
    if not lines:
        return {}
    boxes = _levelled(lines)
    line_height = statistics.median(b.height for b in boxes)
    rows = _rows(boxes, line_height)
    raw: dict[str, tuple[str, float]] = {}

    nik_row, digits, nik_score = _find_nik(rows)
    if digits:
        raw["nik"] = (digits, nik_score)
    raw.update(_header(rows, nik_row if nik_row is not None else min(2, len(rows))))

    body = rows[nik_row + 1 :] if nik_row is not None else rows
    read: list[tuple[float, str | None, float, str, float]] = []  # (y, field, label score, value, confidence)
    for row in body:
        field, score, value, confidence = _row_values(row, line_height, width)
        if value:
            read.append((row.y, field, score, value, confidence))

    # Labelled rows and rows whose value only one row prints fix the rows' spacing; the other rows take the slot
    # their height gives. A flat card's own layout weighs in a little, so two agreeing rows are enough.
    anchors = [(SLOT[field], y, 2.0) for y, field, _s, _v, _c in read if field is not None]
    anchors += [
        (slot, y, 1.0)
        for y, field, _s, value, _c in read
        if field is None and (slot := _content_slot(value)) is not None
    ]
    if width:
        anchors += [(0, NAME_ROW_Y * width, 0.5), (len(ROWS) - 1, (NAME_ROW_Y + 11 * ROW_PITCH) * width, 0.5)]
    slot_of = _fit(anchors)
    taken: dict[str, tuple[float, str, float]] = {}  # field -> (label score, value, confidence)
    for y, field, score, value, confidence in read:
        if field is None:
            if slot_of is None:
                continue
            slot = round(slot_of(y))
            if not 0 <= slot < len(ROWS) or abs(slot_of(y) - slot) > 0.4:
                continue
            field, score, confidence = ROWS[slot][0], 0.0, confidence * UNLABELLED
        if field not in taken or score > taken[field][0]:
            taken[field] = (score, value, confidence)

    for field, (_score, value, confidence) in taken.items():
        if field == "sex":
            value = _cut_blood_group(value)
        if field == "address":
            value = _spaced_address(value)
        if field == "name":
            value = _spaced_name(value)
        if field == "birth":
            for key, part in _split_birth(value).items():
                raw[key] = (part, confidence)
        raw[field] = (value, confidence)
    return raw

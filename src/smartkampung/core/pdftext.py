"""Text for PDFs drawn in the core fonts (fpdf2's Helvetica, Times: Latin-1 only), for every PDF the apps draw:
letters, tourism certificates, a data subject's export."""

import unicodedata

_REPLACEMENTS = {
    "\u2018": "'",
    "\u2019": "'",
    "\u201a": ",",
    "\u201c": '"',
    "\u201d": '"',
    "\u201e": '"',
    "\u2013": "-",
    "\u2014": "-",
    "\u2212": "-",
    "\u2026": "...",
    "\u2022": "-",
    "\u00a0": " ",
    "\u202f": " ",
    "\u2009": " ",
    "\t": " ",
    "\u20ac": "EUR",
}


def latin1(text: str, *, keep_newlines: bool = False) -> str:
    """`text` in characters the PDF core fonts can show (Latin-1): accents kept where Latin-1 has them, other
    letters reduced to their base letter, anything else a "?". Control characters are dropped."""
    out = []
    for ch in unicodedata.normalize("NFC", str(text)):
        if ch in _REPLACEMENTS:
            out.append(_REPLACEMENTS[ch])
        elif ch == "\n":
            out.append("\n" if keep_newlines else " ")
        elif unicodedata.category(ch)[0] == "C":
            continue
        elif ord(ch) < 256:
            out.append(ch)
        else:
            base = "".join(c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c))
            out.append(base if base and all(32 <= ord(c) < 256 for c in base) else "?")
    return "".join(out)

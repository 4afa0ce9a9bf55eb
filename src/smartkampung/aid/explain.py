"""The reasons of a match in the reader's words. Rows store codes (which field, which level, its weight), so
that the explanation is translated when it is read, not frozen in the language of the worker that matched."""

from django.utils.translation import gettext as _


def _levels() -> dict[str, list[str]]:
    """Splink's comparison levels, best first (linkage.M_U has their m and u in the same order)."""
    return {
        "name": [
            _("the same name"), _("the same words in another order"), _("a very similar name"),
            _("a very similar name, words in another order"), _("a similar name"), _("a different name"),
        ],
        "nik": [
            _("the same NIK"), _("NIK one digit different"), _("NIK with two digits swapped"),
            _("NIK differs only in the serial number"), _("NIK of the same kecamatan"), _("a different NIK"),
        ],
        "birth_date": [_("the same birth date"), _("birth date one digit different"),
                       _("birth date within a year"), _("a different birth date")],
        "kk": [_("the same KK"), _("a different KK")],
        "village": [_("the same village"), _("the same kecamatan"), _("another kecamatan")],
    }  # fmt: skip


def _fields() -> dict[str, str]:
    return {
        "name": _("name"), "nik": "NIK", "birth_date": _("birth date"), "kk": "KK", "village": _("village"),
        "decision": _("decision"), "report": _("report"),
    }  # fmt: skip


def words(parts: list[dict]) -> list[tuple[str, str, float | None]]:
    """(field, what was seen, weight) for each part of a stored explanation."""
    levels, fields = _levels(), _fields()
    out = []
    for part in parts or []:
        field, level = part.get("field", ""), part.get("level")
        if isinstance(level, int) and field in levels:
            text = levels[field][level] if 0 <= level < len(levels[field]) else str(level)
        elif level == "missing":
            text = _("not given")
        elif level == "found":
            text = _("NIK found on the register")
        elif level == "same":
            text = _("the same name")
        elif level == "differs":
            text = _("name %(given)s on the list, %(registered)s on the register (%(pct)d%% alike)") % {
                "given": part.get("given", ""), "registered": part.get("registered", ""), "pct": part.get("pct", 0),
            }  # fmt: skip
        elif level == "report":
            text = _("enrolled from the citizen's report %(code)s") % {"code": part.get("code", "")}
        elif level == "decided":
            text = _("decided by a reviewer")
        else:
            text = str(level)
        out.append((fields.get(field, field), text, part.get("weight")))
    return out

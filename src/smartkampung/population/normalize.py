"""Pure normalisation of registry values, shared by forms, the API, imports and the demo generator."""

import re

import phonenumbers

_NOT_ALNUM = re.compile(r"[^0-9A-Z]+")
_SPACES = re.compile(r"\s+")


def name_search_key(name: str) -> str:
    """The key forgiving name search matches: upper case, letters and digits only, no spaces.

    "Budi  Santoso", "BUDI SANTOSO" and "budi-santoso" share one key, so a search
    ignores case, spacing and punctuation.
    """
    return _NOT_ALNUM.sub("", name.upper())


def clean_name(name: str) -> str:
    """A person's name as the register keeps it: upper case with single spaces (as on the KTP)."""
    return _SPACES.sub(" ", name).strip().upper()


class PhoneError(ValueError):
    pass


def normalize_phone(value: str) -> str:
    """An Indonesian phone number in E.164 (+62…), or "" for no number.

    Raises PhoneError with a message in words when the value is not a possible number.
    """
    value = (value or "").strip()
    if not value or value in {"-", "0"}:
        return ""
    try:
        number = phonenumbers.parse(value, "ID")
    except phonenumbers.NumberParseException as exc:
        raise PhoneError(value) from exc
    if not phonenumbers.is_valid_number(number):
        raise PhoneError(value)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def mask_name(name: str) -> str:
    """BUDI SANTOSO -> BU** SA*****: enough for a person to recognise their own record, no more."""
    return " ".join(word[:2] + "*" * max(0, len(word) - 2) for word in name.split())


def mask_number(number: str) -> str:
    """3510011708850001 -> 351001******0001: the region and the last digits, to tell one NIK or KK from another."""
    return number[:6] + "*" * max(0, len(number) - 10) + number[-4:] if len(number) > 10 else "*" * len(number)

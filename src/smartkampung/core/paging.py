"""Offset/limit windows for list endpoints: whatever a client sends, a window the database can take."""

# An offset past any table we will hold: larger ones (1e20) overflow the database's integer and fail.
MAX_OFFSET = 10**9


def window(offset: int, limit: int, *, most: int = 500) -> slice:
    start = min(max(0, offset), MAX_OFFSET)
    return slice(start, start + max(1, min(limit, most)))

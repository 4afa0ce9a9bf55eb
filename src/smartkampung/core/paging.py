"""The one paging helper: offset/limit windows for API lists and page numbers for pages, whatever a client sends,
a window the database can take (an offset of 1e20 overflows its integer and would be a 500)."""

from django.utils.http import urlencode

# An offset past any table we will hold: larger ones (1e20) overflow the database's integer and fail.
MAX_OFFSET = 10**9


def window(offset: int, limit: int, *, most: int = 500) -> slice:
    """`offset`/`limit` of an API list as a slice: offset 0 to MAX_OFFSET, limit 1 to `most`."""
    start = min(max(0, offset), MAX_OFFSET)
    return slice(start, start + max(1, min(limit, most)))


def page_number(value, *, per_page: int = 1) -> int:
    """The page a `?page=` asks for: 1 for anything that is not a positive whole number, and never a page
    that starts past MAX_OFFSET."""
    try:
        number = int(str(value or "1").strip())
    except ValueError:
        return 1
    return max(1, min(number, MAX_OFFSET // max(1, per_page) + 1))


def page_window(number: int, per_page: int) -> slice:
    """Page `number` (from 1) of `per_page` items as a slice."""
    return window((page_number(number, per_page=per_page) - 1) * per_page, per_page, most=per_page)


class Pager:
    """Offset paging over a (capped) count, with the query string of the other parameters kept."""

    def __init__(self, *, page: int, per_page: int, count: int, capped: bool, params: dict[str, str]):
        max_page = max(1, -(-count // per_page))
        self.number = min(page, max_page)
        self.offset = (self.number - 1) * per_page
        self.per_page = per_page
        self.count = count
        self.capped = capped
        self.max_page = max_page
        self.start = self.offset + 1 if count else 0
        self.end = min(self.offset + per_page, count)
        self._params = {k: v for k, v in params.items() if v and k != "page"}

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.max_page

    def _query(self, number: int) -> str:
        params = dict(self._params)
        if number > 1:
            params["page"] = number
        return "?" + urlencode(params) if params else "?"

    @property
    def previous_query(self) -> str:
        return self._query(self.number - 1)

    @property
    def next_query(self) -> str:
        return self._query(self.number + 1)

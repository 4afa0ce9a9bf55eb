"""Where each signed-in user starts: the checkpoint desk, the Puskesmas's work list, the dashboard, social aid
or the register. The apps above core register their start page and whom it fits from their AppConfig.ready;
the lowest rank that fits the user wins. Core itself knows no roles: an account that no page fits (no role
yet) gets core's page saying so (core.views.home)."""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class StartPage:
    rank: int
    url_name: str
    fits: Callable[[object], bool]


_pages: dict[str, StartPage] = {}


def register_start_page(*, rank: int, url_name: str, fits: Callable[[object], bool]) -> None:
    _pages[url_name] = StartPage(rank, url_name, fits)


def start_page_for(user) -> str | None:
    """The URL name of the user's start page, or None when no registered page fits them."""
    for page in sorted(_pages.values(), key=lambda p: (p.rank, p.url_name)):
        if page.fits(user):
            return page.url_name
    return None

"""Jobs the background worker runs every so often (no cron needed): each at most once per its interval
per worker process. A job that fails is logged and tried again at its next turn. The apps register their
jobs from their AppConfig.ready (`register`), so core names none of them."""

import importlib
import logging
import time

logger = logging.getLogger(__name__)

# (seconds between runs, "module:function"): functions without arguments, safe to run in several
# workers at once (each locks or skips what another is doing). Imported when first due.
JOBS: list[tuple[int, str]] = []


def register(seconds: int, path: str) -> None:
    """Run the function at "module:function" every `seconds` (called once per job, from an AppConfig.ready)."""
    if path not in {p for _s, p in JOBS}:
        JOBS.append((seconds, path))


class Schedule:
    def __init__(self, jobs=None):
        self.jobs = list(jobs or JOBS)
        self.next_run = {path: 0.0 for _interval, path in self.jobs}

    def run_due(self) -> int:
        """Run the jobs whose time has come; returns how many ran."""
        ran = 0
        for interval, path in self.jobs:
            if time.monotonic() < self.next_run[path]:
                continue
            self.next_run[path] = time.monotonic() + interval
            module, name = path.split(":")
            try:
                getattr(importlib.import_module(module), name)()
            except Exception:
                logger.exception("periodic job %s failed; next try in %s s", path, interval)
            ran += 1
        return ran

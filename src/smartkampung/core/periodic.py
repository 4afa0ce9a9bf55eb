"""Jobs the background worker runs every so often (no cron needed): each at most once per its interval
per worker process. A job that fails is logged and tried again at its next turn."""

import importlib
import logging
import time

logger = logging.getLogger(__name__)

# (seconds between runs, "module:function"): functions without arguments, safe to run in several
# workers at once (each locks or skips what another is doing).
JOBS = [
    (15, "smartkampung.health.reports:push_due_reports"),
    (300, "smartkampung.isolation.services:lapse_ended_holds"),
    (600, "smartkampung.health.tallies:refresh_tallies"),
]


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

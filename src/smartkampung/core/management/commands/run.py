import os
import signal
import subprocess
import sys

from django.conf import settings
from django.core.management.base import BaseCommand

from smartkampung.core.datadir import make_private


class Command(BaseCommand):
    help = "Serve the web UI and API (ASGI, uvicorn) together with the background task worker."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--workers", type=int, default=1, help="uvicorn worker processes")
        parser.add_argument(
            "--no-worker", action="store_true", help="do not start the task and notification workers here"
        )

    def handle(self, *args, host: str, port: int, workers: int, no_worker: bool, **options):
        import uvicorn

        from smartkampung.notifications import live

        # Personal data on disk is the service user's alone: what this process and its workers create from now on
        # (database journal, uploads, exports), and what an older version or a restore left open.
        os.umask(0o077)
        for path in make_private():
            self.stdout.write(f"closed to other users: {path}")
        workers_started = []
        engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
        if not no_worker:
            # The import queue lives in the database, so the worker may be a separate process;
            # starting it here keeps the embedded set-up to one command.
            workers_started.append(
                subprocess.Popen(  # noqa: S603 - our own interpreter and command
                    [sys.executable, "-m", "smartkampung", "db_worker", "--interval", "1"],
                )
            )
            if engine == "postgresql":
                # Notifications: the dispatcher LISTENs for the outbox and NOTIFYs every web process.
                workers_started.append(
                    subprocess.Popen([sys.executable, "-m", "smartkampung", "notify_worker"])  # noqa: S603
                )
            else:
                # SQLite has no LISTEN/NOTIFY: each web process dispatches in a thread of its own
                # (the environment reaches uvicorn's worker processes too).
                os.environ[live.IN_PROCESS_ENV] = "1"
                if workers == 1:
                    live.start_in_process_dispatcher()
        self.stdout.write(f"smartkampung serving http://{host}:{port}/ (database: {engine})")
        try:
            uvicorn.run(
                "smartkampung.asgi:application",
                host=host,
                port=port,
                workers=workers,
                log_level="info",
                # Never let uvicorn take the client address from X-Forwarded-For (by default it trusts any
                # local client): core.http.client_address reads the header, and only TRUSTED_PROXY_COUNT's entries.
                proxy_headers=False,
                lifespan="off",
                # One log line per request costs a busy checkpoint server real CPU; proxies log anyway.
                access_log=os.environ.get("SMARTKAMPUNG_ACCESS_LOG", "1") != "0",
                # LOG_FORMAT=json: uvicorn's own lines go through the project's logging too (one JSON object each).
                **({"log_config": None} if settings.LOG_FORMAT == "json" else {}),
            )
        finally:
            for worker in workers_started:
                worker.send_signal(signal.SIGTERM)
            for worker in workers_started:
                try:
                    worker.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    worker.kill()

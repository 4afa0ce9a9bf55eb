import signal
import subprocess
import sys

from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Serve the web UI and API (ASGI, uvicorn) together with the background task worker."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--workers", type=int, default=1, help="uvicorn worker processes")
        parser.add_argument("--no-worker", action="store_true", help="do not start the task worker here")

    def handle(self, *args, host: str, port: int, workers: int, no_worker: bool, **options):
        import uvicorn

        worker = None
        if not no_worker:
            # The import queue lives in the database, so the worker may be a separate process;
            # starting it here keeps the embedded set-up to one command.
            worker = subprocess.Popen(  # noqa: S603 - our own interpreter and command
                [sys.executable, "-m", "smartkampung", "db_worker", "--interval", "1"],
            )
        engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
        self.stdout.write(f"smartkampung serving http://{host}:{port}/ (database: {engine})")
        try:
            uvicorn.run(
                "smartkampung.asgi:application",
                host=host,
                port=port,
                workers=workers,
                log_level="info",
                proxy_headers=True,
                lifespan="off",
            )
        finally:
            if worker is not None:
                worker.send_signal(signal.SIGTERM)
                try:
                    worker.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    worker.kill()

"""Real processes against the test database: uvicorn web servers, notify_worker, and an SSE client."""

import contextlib
import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

from django.db import connection


def database_url() -> str:
    s = connection.settings_dict
    password = f":{s['PASSWORD']}" if s.get("PASSWORD") else ""
    return f"postgres://{s['USER']}{password}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Processes:
    """Starts our processes and always stops them (kill -9 at the latest), keeping their output for failures."""

    def __init__(self, tmp_path: Path, **env: str):
        self.tmp_path = tmp_path
        self.env = {**os.environ, "DATABASE_URL": database_url(), "LOG_LEVEL": "WARNING", **env}
        self.running: list[tuple[subprocess.Popen, Path]] = []

    def start(self, name: str, *args: str) -> subprocess.Popen:
        log = self.tmp_path / f"{name}.log"
        process = subprocess.Popen(  # noqa: S603 - our own interpreter and modules
            [sys.executable, "-m", *args], env=self.env, stdout=log.open("w"), stderr=subprocess.STDOUT
        )
        self.running.append((process, log))
        return process

    def web(self, name: str) -> int:
        port = free_port()
        self.start(name, "uvicorn", "smartkampung.asgi:application", "--port", str(port), "--lifespan", "off")
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
                conn.request("GET", "/healthz")
                if conn.getresponse().status == 200:
                    return port
            except OSError:
                time.sleep(0.2)
        raise AssertionError(f"{name} did not start:\n{self.output()}")

    def worker(self, name: str, *args: str) -> subprocess.Popen:
        return self.start(name, "smartkampung", "notify_worker", *args)

    def output(self) -> str:
        return "\n".join(f"--- {log.name}\n{log.read_text()[-3000:]}" for _process, log in self.running)

    def stop_all(self) -> None:
        for process, _log in self.running:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process, _log in self.running:
            try:
                process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=5)


class StreamClient:
    """Reads /api/v1/notifications/stream in a thread, as EventSource does (Last-Event-ID on reconnecting)."""

    def __init__(self, port: int, key: str, *, last_event_id: int | None = None):
        self.events: list[dict] = []
        self.connected = threading.Event()
        headers = {"Authorization": f"Bearer {key}", "Accept": "text/event-stream"}
        if last_event_id is not None:
            headers["Last-Event-ID"] = str(last_event_id)
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.conn.request("GET", "/api/v1/notifications/stream", headers=headers)
        self.response = self.conn.getresponse()
        assert self.response.status == 200, self.response.read()
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()

    def _read(self) -> None:
        fields: dict[str, str] = {}
        try:
            while True:
                line = self.response.readline()
                if not line:
                    return
                line = line.decode().rstrip("\n")
                self.connected.set()
                if line:
                    if not line.startswith(":") and ": " in line:
                        key, value = line.split(": ", 1)
                        fields[key] = value
                    continue
                if fields.get("event") == "notification":
                    self.events.append({**json.loads(fields["data"]), "sse_id": int(fields["id"])})
                fields = {}
        except (OSError, ValueError, AttributeError):
            return  # closed by us

    @property
    def last_id(self) -> int | None:
        return self.events[-1]["sse_id"] if self.events else None

    def wait_for(self, count: int, timeout: float = 20) -> list[dict]:
        deadline = time.monotonic() + timeout
        while len(self.events) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        return self.events

    def close(self) -> None:
        with contextlib.suppress(AttributeError, OSError):
            self.response.fp.raw._sock.shutdown(socket.SHUT_RDWR)  # wake the reading thread
        self.conn.close()
        self.thread.join(5)

"""The deploy check (`scripts/deploy-check.sh`, run by CI): the production stack of this folder, brought up on this
machine on loopback ports, and driven through its proxy as the regency's staff would.

1. Upgrade: the previous release (deploy/PREVIOUS_RELEASE) sets up a PostgreSQL database and fills it with its demo
   data; then this checkout upgrades it as `scripts/upgrade.sh` does (install, check --deploy, migrate, collect
   static). No table may lose a row, and no row of the register may change.
2. The stack: the units of deploy/systemd (their ExecStart, environment file, runtime folder and restart rule, read
   from the unit files themselves and run by a small supervisor, since this machine has no systemd as PID 1) with
   the environment of deploy/smartkampung.env.example, behind Debian's nginx with deploy/nginx's configuration and a
   self-signed certificate.
3. Through the proxy (TLS): /healthz and /readyz are green, plain HTTP redirects to HTTPS, nginx serves the static
   files itself, /metrics answers only with its token; an operator signs in through the login form (and the old
   release's password hash is upgraded to Argon2); an officer registers an arrival and the village's live stream
   receives it within seconds (nothing buffered); the audit entry has the client's own address (not the one it wrote
   into X-Forwarded-For) and the proxy's request id; the aid check answers.
4. Failure: while travellers are registered without pause, one web worker and the notification worker are killed
   (SIGKILL); the task worker is killed and an import is queued while it is down. Every registration the proxy
   answered exists once, every arrival reaches the village's stream exactly once (the stream reconnecting with
   Last-Event-ID), the import finishes after the worker is back, and /readyz is green again.

Usage: .venv/bin/python deploy/check.py  (PostgreSQL from DEPLOY_CHECK_POSTGRES, default
postgres://postgres@127.0.0.1:5432/postgres; nginx and openssl on the PATH: scripts/deploy-deps.sh installs them).
Exit 0 when every check holds; otherwise the first failure in words, and the logs of every process are kept.
"""

import contextlib
import hashlib
import http.client
import json
import os
import re
import secrets
import shlex
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

import psycopg

REPO = Path(__file__).resolve().parent.parent
DEPLOY = REPO / "deploy"
PYTHON = REPO / ".venv" / "bin" / "python"
ADMIN_URL = os.environ.get("DEPLOY_CHECK_POSTGRES", "postgres://postgres@127.0.0.1:5432/postgres")
CLIENT_ADDRESS = "127.0.0.2"  # the "citizen's" address: the proxy sees it, the audit log must too
SPOOFED = "203.0.113.9"  # what a client writes into X-Forwarded-For itself: never to be believed
STARTED = time.monotonic()


class CheckFailed(Exception):
    pass


def log(message: str) -> None:
    print(f"[deploy-check {time.monotonic() - STARTED:6.1f}s] {message}", flush=True)


def expect(condition: bool, message: str) -> None:
    if not condition:
        raise CheckFailed(message)
    log(f"ok: {message}")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(what: str, probe, timeout: float = 60.0, every: float = 0.3):
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        try:
            result = probe()
        except Exception as exc:  # noqa: BLE001 - reported when the time is up
            result, last = None, exc
        if result:
            return result
        time.sleep(every)
    raise CheckFailed(f"{what}: not within {timeout:.0f} s (last error: {last!r})")


# --- the units, read from deploy/systemd as systemd would ---------------------------------------------------------


def read_env_file(path: Path) -> dict[str, str]:
    env = {}
    for line in path.read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#") and "=" in line:
            key, value = line.split("=", 1)
            env[key.strip()] = value.strip()
    return env


def read_unit(text: str) -> dict[str, list[str]]:
    """The [Service] section's settings (a key may repeat, as Environment= does)."""
    service: dict[str, list[str]] = {}
    section = ""
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("["):
            section = line
        elif section == "[Service]" and "=" in line:
            key, value = line.split("=", 1)
            service.setdefault(key, []).append(value)
    return service


def expand(command: str, env: dict[str, str]) -> list[str]:
    """ExecStart's ${VAR} and $VAR from the unit's environment, then split as systemd does (shell-like quoting)."""
    command = re.sub(r"(?<!\$)\$\{(\w+)\}", lambda m: env.get(m.group(1), ""), command)
    words = [re.sub(r"^\$(\w+)$", lambda m: env.get(m.group(1), ""), word) for word in shlex.split(command)]
    return [word.replace("$$", "$").replace("%%", "%") for word in words]  # systemd's escapes


class Unit:
    """One systemd service unit run the way its file says: environment file, Environment=, a fresh RuntimeDirectory
    at each start, WorkingDirectory, ExecStart, and Restart=always with RestartSec (User= is left to systemd)."""

    def __init__(self, name: str, text: str, *, run_dir: Path, base_env: dict[str, str], logs: Path):
        self.name = name
        service = read_unit(text)
        env = dict(base_env)
        for env_file in service.get("EnvironmentFile", []):
            env.update(read_env_file(Path(env_file.lstrip("-"))))
        for assignment in service.get("Environment", []):
            key, value = assignment.split("=", 1)
            env[key] = value
        self.env = env
        self.runtime_dirs = [run_dir / d for d in service.get("RuntimeDirectory", [])]
        self.cwd = service.get("WorkingDirectory", [str(REPO)])[0]
        self.command = expand(service["ExecStart"][0], env)
        self.restart = service.get("Restart", ["no"])[0]
        self.restart_sec = float(service.get("RestartSec", ["0.1"])[0])
        self.log_path = logs / f"{name}.log"
        self.process: subprocess.Popen | None = None
        self.starts = 0
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._supervise, name=name, daemon=True)

    def start(self) -> None:
        self.thread.start()

    def _launch(self) -> subprocess.Popen:
        for folder in self.runtime_dirs:  # systemd makes the runtime folder anew, empty, at every start
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir(parents=True, mode=0o755)
        self.starts += 1
        output = self.log_path.open("ab")
        return subprocess.Popen(
            self.command, cwd=self.cwd, env=self.env, stdout=output, stderr=subprocess.STDOUT, start_new_session=True
        )

    def _supervise(self) -> None:
        while not self.stopping.is_set():
            self.process = self._launch()
            code = self.process.wait()
            if self.stopping.is_set():
                return
            log(f"{self.name} exited ({code}); Restart={self.restart}")
            if self.restart not in ("always", "on-failure", "on-abnormal"):
                return
            self.stopping.wait(self.restart_sec)

    def main_pid(self) -> int:
        return self.process.pid if self.process else 0

    def stop(self) -> None:
        self.stopping.set()
        if self.process and self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)


def children_of(pid: int) -> list[int]:
    """The web workers uvicorn started under `pid` (multiprocessing's spawned children; not its resource tracker)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError):
                stat = (entry / "stat").read_text()
                command = (entry / "cmdline").read_bytes()
                if int(stat.rsplit(")", 1)[1].split()[1]) == pid and b"spawn_main" in command:
                    found.append(int(entry.name))
    return sorted(found)


# --- HTTPS through the proxy -------------------------------------------------------------------------------------


class Answer:
    def __init__(self, status: int, headers: http.client.HTTPMessage, body: bytes):
        self.status, self.headers, self.body = status, headers, body

    def json(self):
        return json.loads(self.body)

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")


class Client:
    """An HTTPS client of the proxy from CLIENT_ADDRESS, with cookies and (for signed-in pages) the CSRF token."""

    def __init__(self, port: int, tls: ssl.SSLContext, *, token: str = "", source: str = CLIENT_ADDRESS):
        self.port, self.tls, self.token, self.source = port, tls, token, source
        self.cookies: dict[str, str] = {}

    def connect(self, timeout: float = 30) -> http.client.HTTPSConnection:
        return http.client.HTTPSConnection(
            "localhost", self.port, context=self.tls, timeout=timeout, source_address=(self.source, 0)
        )

    def headers(self, extra: dict | None = None) -> dict[str, str]:
        headers = {"Host": f"localhost:{self.port}", "Referer": f"https://localhost:{self.port}/"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if "csrftoken" in self.cookies:
            headers["X-CSRFToken"] = self.cookies["csrftoken"]
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        headers.update(extra or {})
        return headers

    def request(self, method: str, path: str, *, body: bytes | None = None, headers: dict | None = None) -> Answer:
        connection = self.connect()
        try:
            connection.request(method, path, body=body, headers=self.headers(headers))
            response = connection.getresponse()
            answer = Answer(response.status, response.headers, response.read())
        finally:
            connection.close()
        for cookie in answer.headers.get_all("Set-Cookie") or []:
            name, value = cookie.split(";", 1)[0].split("=", 1)
            self.cookies[name.strip()] = value.strip()
        return answer

    def get(self, path: str, **kwargs) -> Answer:
        return self.request("GET", path, **kwargs)

    def post_json(self, path: str, data: dict, headers: dict | None = None) -> Answer:
        return self.request(
            "POST",
            path,
            body=json.dumps(data).encode(),
            headers={"Content-Type": "application/json", **(headers or {})},
        )

    def post_form(self, path: str, data: dict) -> Answer:
        body = urllib.parse.urlencode(data).encode()
        return self.request("POST", path, body=body, headers={"Content-Type": "application/x-www-form-urlencoded"})

    def post_file(self, path: str, *, field: str, name: str, content: bytes, form: dict) -> Answer:
        boundary = secrets.token_hex(12)
        parts = [
            f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
            for k, v in form.items()
        ]
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{field}"; filename="{name}"\r\n'
            f"Content-Type: text/csv\r\n\r\n".encode()
            + content
            + b"\r\n"
        )
        body = b"".join(parts) + f"--{boundary}--\r\n".encode()
        return self.request(
            "POST", path, body=body, headers={"Content-Type": f"multipart/form-data; boundary={boundary}"}
        )


class Stream(threading.Thread):
    """A village's live notification stream through the proxy, as the dashboard holds it: it reconnects with the last
    id it received (Last-Event-ID) whenever the connection ends, and records every event with when it came."""

    def __init__(self, client: Client, after: int):
        super().__init__(name="stream", daemon=True)
        self.client, self.last_id = client, after
        self.events: list[tuple[int, dict, float]] = []
        self.reconnects = -1
        self.stop = threading.Event()
        self.connected = threading.Event()

    def run(self) -> None:
        while not self.stop.is_set():
            self.reconnects += 1
            # A dropped stream is reconnected, as the page's script does.
            with contextlib.suppress(Exception):
                self._read_once()
            self.stop.wait(0.5)

    def _read_once(self) -> None:
        connection = self.client.connect(timeout=40)
        try:
            connection.request(
                "GET",
                "/api/v1/notifications/stream",
                headers=self.client.headers({"Accept": "text/event-stream", "Last-Event-ID": str(self.last_id)}),
            )
            response = connection.getresponse()
            if response.status != 200:
                return
            self.connected.set()
            event_id, data = None, None
            while not self.stop.is_set():
                line = response.readline()
                if not line:
                    return
                line = line.decode().rstrip("\n")
                if line.startswith("id:"):
                    event_id = int(line[3:].strip())
                elif line.startswith("data:"):
                    data = line[5:].strip()
                elif line == "" and event_id is not None and data is not None:
                    self.events.append((event_id, json.loads(data), time.monotonic()))
                    self.last_id = max(self.last_id, event_id)
                    event_id, data = None, None
        finally:
            connection.close()

    def arrivals(self) -> dict[int, list[int]]:
        """arrival id -> the delivery numbers of its notifications seen (one each, when nothing is shown twice)."""
        seen: dict[int, list[int]] = {}
        for seq, item, _at in self.events:
            if item.get("subject_type") == "arrival" and item.get("kind") != "escalation":
                seen.setdefault(int(item["subject_id"]), []).append(seq)
        return seen


# --- the check ---------------------------------------------------------------------------------------------------


class DeployCheck:
    def __init__(self, root: Path):
        self.root = root
        self.db_name = f"sk_deploycheck_{secrets.token_hex(4)}"
        base = urllib.parse.urlsplit(ADMIN_URL)
        self.db_url = urllib.parse.urlunsplit(base._replace(path=f"/{self.db_name}"))
        self.web_port, self.https_port, self.http_port = free_port(), free_port(), free_port()
        self.logs = root / "logs"
        self.data = root / "var-lib-smartkampung"
        self.static = root / "static"
        self.run_dir = root / "run"
        self.backups = root / "var-backups-smartkampung"
        self.units: dict[str, Unit] = {}
        self.last_readiness = ""
        self.nginx: subprocess.Popen | None = None
        for folder in (self.logs, self.data, self.run_dir, self.backups, root / "etc", root / "nginx" / "tmp"):
            folder.mkdir(parents=True, exist_ok=True)
        self.data.chmod(0o700)
        self.metrics_token = secrets.token_urlsafe(24)
        self.env_file = root / "etc" / "smartkampung.env"
        self.base_env = {k: os.environ[k] for k in ("PATH", "HOME", "LANG", "TZ") if k in os.environ}

    # The deployment's environment file: the shipped example with this machine's places and fresh secrets.
    def write_env_file(self) -> dict[str, str]:
        env = read_env_file(DEPLOY / "smartkampung.env.example")
        origin = f"https://localhost:{self.https_port}"
        env.update(
            DATABASE_URL=self.db_url,
            SECRET_KEY=secrets.token_urlsafe(50),
            ALLOWED_HOSTS="localhost",
            CSRF_TRUSTED_ORIGINS=origin,
            SMARTKAMPUNG_DATA_DIR=str(self.data),
            STATIC_ROOT=str(self.static),
            NOTIFY_SITE_URL=origin,
            LETTERS_SITE_URL=origin,
            METRICS_TOKEN=self.metrics_token,
            WEB_WORKERS="2",
        )
        self.env_file.write_text("".join(f"{k}={v}\n" for k, v in env.items()))
        self.env_file.chmod(0o640)
        return env

    def sk(self, *args: str, env: dict, prev: Path | None = None, check: bool = True) -> str:
        """`smartkampung ARGS` with the deployment's environment (of the previous release's code with `prev`)."""
        full = {**self.base_env, **env}
        if prev is not None:
            full["PYTHONPATH"] = str(prev / "src")
        result = subprocess.run(
            [str(PYTHON), "-m", "smartkampung", *args], env=full, capture_output=True, text=True, cwd=REPO
        )
        if check and result.returncode != 0:
            raise CheckFailed(
                f"smartkampung {' '.join(args)} failed ({result.returncode}):\n{result.stdout}{result.stderr}"
            )
        return result.stdout + result.stderr

    def psql(self, sql: str, *params):
        with psycopg.connect(self.db_url, autocommit=True) as connection:
            return connection.execute(sql, params).fetchall()

    def table_counts(self) -> dict[str, int]:
        tables = [t for (t,) in self.psql("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1")]
        return {t: self.psql(f'SELECT count(*) FROM "{t}"')[0][0] for t in tables}

    def register_digest(self) -> str:
        rows = self.psql("SELECT nik, name, birth_date::text, village_id FROM population_resident ORDER BY nik")
        return hashlib.sha256(repr(rows).encode()).hexdigest()

    # 1. The previous release, its data, and the upgrade to this checkout.
    def upgrade_from_previous_release(self, env: dict) -> dict[str, str]:
        release, commit = (DEPLOY / "PREVIOUS_RELEASE").read_text().split()[:2]
        prev = self.root / f"release-{release}"
        prev.mkdir()
        archive = subprocess.run(["git", "-C", str(REPO), "archive", commit, "src"], capture_output=True)
        if archive.returncode != 0:
            raise CheckFailed(
                f"the previous release {release} ({commit}) is not in this clone's history: "
                f"{archive.stderr.decode().strip()} (a shallow clone? fetch its history)"
            )
        subprocess.run(["tar", "-x", "-C", str(prev)], input=archive.stdout, check=True)
        log(f"release {release} ({commit[:10]}): migrate and fill with its demo data")
        self.sk("migrate", "--noinput", "-v0", env=env, prev=prev)
        logins = ""
        for command in (
            ["load_regions"],
            ["demo", "--residents", "300", "--seed", "7"],
            ["demo_logins"],
            ["demo_letters"],
            ["demo_tourism"],
            ["demo_arrivals", "--count", "30"],
            ["demo_houses"],
            ["demo_aid"],
        ):
            output = self.sk(*command, env=env, prev=prev)
            logins = output if command == ["demo_logins"] else logins
        passwords = dict(re.findall(r"^\s+([a-z][\w.]+)\s+(demo-\S+)", logins, re.M))
        before, digest = self.table_counts(), self.register_digest()
        log(
            f"release {release}: {len(before)} tables, {sum(before.values()):,} rows; upgrading with scripts/upgrade.sh"
        )
        upgrade = subprocess.run(
            ["bash", str(REPO / "scripts" / "upgrade.sh")],
            env={**self.base_env, "SMARTKAMPUNG_ENV_FILE": str(self.env_file), "SMARTKAMPUNG_RESTART": "no"},
            capture_output=True,
            text=True,
            cwd=REPO,
        )
        (self.logs / "upgrade.log").write_text(upgrade.stdout + upgrade.stderr)
        if upgrade.returncode != 0:
            raise CheckFailed(f"scripts/upgrade.sh failed:\n{upgrade.stdout}{upgrade.stderr}")
        after = self.table_counts()
        lost = {t: (n, after.get(t)) for t, n in before.items() if after.get(t, -1) < n}
        expect(not lost, f"the upgrade kept every table and row of release {release} ({sum(before.values()):,} rows)")
        expect(self.register_digest() == digest, "the upgrade changed no resident of the register")
        new_tables = sorted(set(after) - set(before))
        log(f"tables added by the upgrade: {', '.join(new_tables) or 'none'}")
        return passwords

    # 2. The stack.
    def start_units(self) -> None:
        mapping = {
            "/etc/smartkampung/smartkampung.env": str(self.env_file),
            "/opt/smartkampung": str(REPO),
            "/run/": f"{self.run_dir}/",
            "--port 8001": f"--port {self.web_port}",
            "/var/backups/smartkampung": str(self.backups),
        }
        rendered = self.root / "units"
        rendered.mkdir()
        for path in sorted((DEPLOY / "systemd").glob("smartkampung*")):
            text = path.read_text()
            for old, new in mapping.items():
                text = text.replace(old, new)
            (rendered / path.name).write_text(text)
        if shutil.which("systemd-analyze"):
            # systemd's own reading of the files (syntax, known settings, executables that exist).
            verify = subprocess.run(
                ["systemd-analyze", "verify", *map(str, sorted(rendered.iterdir()))], capture_output=True, text=True
            )
            problems = (verify.stdout + verify.stderr).strip()
            expect(
                verify.returncode == 0 and not problems, f"systemd-analyze verify accepts the units {problems}".strip()
            )
        self.rendered = rendered
        for path in sorted(rendered.glob("smartkampung-*.service")):
            # The stack's three long-running services (the backup service is a timer's one-shot: see run_backup).
            if "Type=oneshot" in path.read_text():
                continue
            name = path.stem
            self.units[name] = Unit(
                name, path.read_text(), run_dir=self.run_dir, base_env=self.base_env, logs=self.logs
            )
            self.units[name].start()
        log(f"units started: {', '.join(self.units)} (web on 127.0.0.1:{self.web_port})")

    def start_nginx(self) -> None:
        tls = self.root / "tls"
        tls.mkdir()
        subprocess.run(
            ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=localhost",
             "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
             "-keyout", str(tls / "privkey.pem"), "-out", str(tls / "fullchain.pem")],
            check=True, capture_output=True,
        )  # fmt: skip
        nginx = self.root / "nginx"
        site = (DEPLOY / "nginx" / "smartkampung.conf").read_text()
        snippet = nginx / "smartkampung-proxy.conf"
        shutil.copy(DEPLOY / "nginx" / "smartkampung-proxy.conf", snippet)
        for old, new in {
            "listen 80;": f"listen 127.0.0.1:{self.http_port};",
            "listen 443 ssl http2;": f"listen 127.0.0.1:{self.https_port} ssl http2;",
            "smartkampung.example.go.id": "localhost",
            "/etc/ssl/smartkampung/": f"{tls}/",
            "/opt/smartkampung/static/": f"{self.static}/",
            "127.0.0.1:8001": f"127.0.0.1:{self.web_port}",
            "/etc/nginx/snippets/smartkampung-proxy.conf": str(snippet),
            "/var/log/nginx/": f"{nginx}/",
        }.items():
            site = site.replace(old, new)
        site = "\n".join(line for line in site.splitlines() if "[::]" not in line)
        (nginx / "site.conf").write_text(site)
        temp = nginx / "tmp"
        (nginx / "nginx.conf").write_text(
            f"""daemon off;
worker_processes 1;
pid {nginx}/nginx.pid;
error_log {nginx}/error.log;
events {{ worker_connections 512; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    client_body_temp_path {temp}/body;
    proxy_temp_path {temp}/proxy;
    fastcgi_temp_path {temp}/fastcgi;
    uwsgi_temp_path {temp}/uwsgi;
    scgi_temp_path {temp}/scgi;
    access_log {nginx}/access.log;
    include {nginx}/site.conf;
}}
"""
        )
        test = subprocess.run(["nginx", "-t", "-p", str(nginx), "-c", str(nginx / "nginx.conf")], capture_output=True)
        if test.returncode != 0:
            raise CheckFailed(f"nginx refused the configuration:\n{test.stderr.decode()}")
        self.nginx = subprocess.Popen(
            ["nginx", "-p", str(nginx), "-c", str(nginx / "nginx.conf")],
            stdout=(self.logs / "nginx.log").open("ab"), stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
        self.tls = ssl.create_default_context(cafile=str(tls / "fullchain.pem"))
        log(f"nginx: https://localhost:{self.https_port}/ (and http on {self.http_port})")

    def stop(self) -> None:
        if self.nginx and self.nginx.poll() is None:
            self.nginx.send_signal(signal.SIGQUIT)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.nginx.wait(timeout=10)
            if self.nginx.poll() is None:
                self.nginx.kill()
        for unit in self.units.values():
            unit.stop()

    def ready(self, client: Client) -> dict | None:
        answer = client.get("/readyz")
        self.last_readiness = answer.text
        return answer.json() if answer.status == 200 else None

    def wait_ready(self, client: Client, what: str) -> dict:
        try:
            return wait_for(what, lambda: self.ready(client), timeout=90)
        except CheckFailed as failure:
            raise CheckFailed(f"{failure}; its last answer: {self.last_readiness}") from None

    # 3. Through the proxy.
    def check_through_the_proxy(self, passwords: dict[str, str], env: dict) -> tuple[Client, Client, str]:
        public = Client(self.https_port, self.tls)
        wait_for("/healthz through the proxy", lambda: public.get("/healthz").status == 200, timeout=90)
        readiness = self.wait_ready(public, "/readyz green")
        expect(readiness.get("status") == "ok", f"/readyz is green: {json.dumps(readiness.get('checks', readiness))}")
        plain = http.client.HTTPConnection("127.0.0.1", self.http_port, timeout=10)
        plain.request("GET", "/accounts/login/", headers={"Host": "localhost"})
        redirect = plain.getresponse()
        expect(
            redirect.status == 301 and redirect.getheader("Location", "").startswith("https://"),
            "plain HTTP is sent to HTTPS",
        )
        plain.close()
        static = public.get("/static/core/app.css")
        if static.status == 404:  # the stylesheet's name may change: take the first one the login page links
            page = public.get("/accounts/login/").text
            static = public.get(re.search(r'href="(/static/[^"]+\.css)"', page).group(1))
        expect(
            static.status == 200 and "X-Request-ID" not in static.headers and static.headers.get("Cache-Control"),
            "nginx serves the static files itself (no trip to the app)",
        )
        bearer = {"Authorization": f"Bearer {self.metrics_token}"}
        expect(public.get("/metrics", headers=bearer).status == 404, "/metrics from another address: 404, token or not")
        prometheus = Client(self.https_port, self.tls, source="127.0.0.1")  # the address nginx's geo block lets in
        expect(prometheus.get("/metrics").status == 404, "/metrics from the Prometheus server without the token: 404")
        metrics = prometheus.get("/metrics", headers=bearer)
        expect(
            metrics.status == 200 and "smartkampung_outbox_undelivered" in metrics.text,
            "/metrics from the Prometheus server with the token: Prometheus text",
        )

        # The operator signs in through the form; the previous release's PBKDF2 hash becomes Argon2.
        operator = Client(self.https_port, self.tls)
        operator.get("/accounts/login/")
        page = operator.get("/accounts/login/").text
        csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        signed_in = operator.post_form(
            "/accounts/login/",
            {"csrfmiddlewaretoken": csrf, "username": "operator.bakungan", "password": passwords["operator.bakungan"]},
        )
        expect(
            signed_in.status == 302 and "sessionid" in operator.cookies, "operator.bakungan signs in through the form"
        )
        cookies = signed_in.headers.get_all("Set-Cookie") or []
        expect(
            any(c.startswith("sessionid=") and "Secure" in c for c in cookies),
            "the session cookie is Secure (HTTPS behind the proxy)",
        )
        (hash_,) = self.psql("SELECT password FROM accounts_user WHERE username = 'operator.bakungan'")[0]
        expect(hash_.startswith("argon2$"), "the password hash of the old release was upgraded to Argon2 at sign-in")
        home = operator.get("/dashboard/")
        expect(home.status == 200, "the operator's dashboard opens")

        officer_token = re.search(r"(sk_\S+)", self.sk("api_token", "create", "--user", "pospantau.ketapang",
                                                       "--name", "deploy check", env=env)).group(1)  # fmt: skip
        officer = Client(self.https_port, self.tls, token=officer_token)
        last_seq = self.psql("SELECT coalesce(max(seq), 0) FROM notifications_notification")[0][0]
        stream = Stream(operator, after=last_seq)
        stream.start()
        expect(stream.connected.wait(30), "the village's live stream opens through the proxy")
        body = self.arrival_body(0)
        started = time.monotonic()
        answer = officer.post_json("/api/v1/arrivals", body, headers={"X-Forwarded-For": SPOOFED})
        expect(answer.status == 201, f"the officer registers an arrival through the proxy ({answer.status})")
        arrival_id = answer.json()["id"]
        wait_for("the arrival on the village's stream", lambda: arrival_id in stream.arrivals(), timeout=30)
        latency = next(at for _s, item, at in stream.events if int(item.get("subject_id", 0)) == arrival_id) - started
        expect(latency < 5, f"the village's live stream received it {latency:.2f} s after the request (not buffered)")
        ip, request_id = self.psql(
            "SELECT host(ip), request_id FROM audit_auditentry WHERE object_type = 'arrival' AND subject <> '' "
            "ORDER BY id DESC LIMIT 1"
        )[0]
        expect(
            ip == CLIENT_ADDRESS,
            f"the audit entry has the client's address {CLIENT_ADDRESS}, not the {SPOOFED} it wrote ({ip})",
        )
        expect(
            request_id and request_id == answer.headers.get("X-Request-ID"),
            "the audit entry carries the request id the proxy gave the request",
        )
        nik, kk = self.psql(
            "SELECT r.nik, h.kk_number FROM population_resident r JOIN population_household h ON h.id = r.household_id "
            "ORDER BY r.nik LIMIT 1"
        )[0]
        aid = public.post_json("/api/v1/public/aid/check", {"nik": nik, "kk_number": kk})
        expect(aid.status == 200 and "listings" in aid.json(), "the public aid check answers through the proxy")
        # A NIK and a KK number in an address (a look-up's query, a page's path) reach no log: nginx's access log and
        # the app's (the request's 404 is logged by Django and by uvicorn) show 16 #s instead.
        nik_in_address, kk_in_address = "3510154507900099", "3510150101200099"
        expect(public.get(f"/penduduk/{nik_in_address}?kk={kk_in_address}").status == 404, "a 404 with a NIK in it")
        time.sleep(0.5)  # the access log's line is written as the answer ends
        logs = {
            "nginx": (self.root / "nginx" / "smartkampung.access.log").read_text(),
            "web": (self.logs / "smartkampung-web.log").read_text(),
        }
        leaked = [name for name, text in logs.items() if nik_in_address in text or kk_in_address in text]
        expect(
            not leaked and all("################" in text for text in logs.values()),
            f"no NIK or KK number from an address in the access logs {leaked or ''}".strip(),
        )
        return operator, officer, stream

    def arrival_body(self, i: int) -> dict:
        nonce = int(time.time()) % 97
        # Travellers from Jember (3509, kecamatan 350901), unique NIKs per run: serial = the registration's number.
        return {
            "checkpoint": "ketapang",
            "nik": f"350901{(i % 28) + 1:02d}{(nonce % 12) + 1:02d}{80 + (i // 28) % 10:02d}{(i % 9000) + 1:04d}",
            "name": f"PELAKU UJI {i}",
            "phone": f"0812{30000000 + i}",
            "origin_regency": "3509",
            "destination_village": "3510151002",  # Bakungan, Glagah: operator.bakungan's village
            "destination_address": "RT 001 RW 001",
            "temperature": "36.7",
            "symptoms": [],
            "repeat_confirmed": True,
        }

    # 4. Failures: kill a web worker, the notification worker and the task worker; nothing may be lost.
    def check_failures(self, operator: Client, officer: Client, stream: Stream, env: dict) -> None:
        web = self.units["smartkampung-web"]
        workers = wait_for(
            "uvicorn's worker processes", lambda: len(children_of(web.main_pid())) >= 2 and children_of(web.main_pid())
        )
        registered: list[int] = []
        refused: list[str] = []
        done = threading.Event()

        def register() -> None:
            i = 1
            while not done.is_set() and i < 400:
                try:
                    answer = officer.post_json("/api/v1/arrivals", self.arrival_body(i))
                    if answer.status == 201:
                        registered.append(answer.json()["id"])
                    else:
                        refused.append(f"{answer.status} {answer.text[:120]}")
                except OSError as exc:
                    refused.append(repr(exc))
                i += 1
                time.sleep(0.05)

        traffic = threading.Thread(target=register, daemon=True)
        traffic.start()
        wait_for("the first registrations", lambda: len(registered) >= 10, timeout=60)
        victim = workers[0]
        os.kill(victim, signal.SIGKILL)
        log(f"killed web worker {victim} (SIGKILL) while registering")
        notify = self.units["smartkampung-notify"]
        notify_pid, starts = notify.main_pid(), notify.starts
        os.kill(notify_pid, signal.SIGKILL)
        log(f"killed the notification worker {notify_pid} (SIGKILL)")
        tasks = self.units["smartkampung-tasks"]
        tasks_pid, task_starts = tasks.main_pid(), tasks.starts
        os.kill(tasks_pid, signal.SIGKILL)
        log(f"killed the task worker {tasks_pid} (SIGKILL)")
        # An import queued while the task worker is down.
        nik, kk, name, born, sex = self.psql(
            "SELECT r.nik, h.kk_number, r.name, to_char(r.birth_date, 'DD-MM-YYYY'), r.sex "
            "FROM population_resident r JOIN population_household h ON h.id = r.household_id "
            "WHERE r.village_id = '3510151002' ORDER BY r.nik LIMIT 1"
        )[0]
        csv = f"NIK,NO_KK,NAMA_LGKP,TGL_LHR,JENIS_KLMIN\n{nik},{kk},{name},{born},{'L' if sex == 'male' else 'P'}\n"
        operator_token = re.search(r"(sk_\S+)", self.sk("api_token", "create", "--user", "operator.bakungan",
                                                        "--name", "deploy check", env=env)).group(1)  # fmt: skip
        importer = Client(self.https_port, self.tls, token=operator_token)
        queued = importer.post_file(
            "/api/v1/imports",
            field="file",
            name="bakungan.csv",
            content=csv.encode(),
            form={"village_code": "3510151002"},
        )
        expect(queued.status == 202, f"an import is queued while the task worker is down ({queued.status})")
        job = queued.json()["id"]
        time.sleep(4)
        done.set()
        traffic.join(timeout=60)
        expect(len(registered) >= 20, f"{len(registered)} registrations answered 201 while processes were killed")
        expect(notify.starts > starts, "systemd's Restart=always started the notification worker again")
        expect(tasks.starts > task_starts, "and the task worker")
        replaced = wait_for(
            "uvicorn to replace the killed web worker",
            lambda: victim not in (now := children_of(web.main_pid())) and len(now) >= 2 and now,
            timeout=30,
        )
        log(f"web workers now: {replaced} (killed: {victim})")
        finished = wait_for(
            "the import to finish",
            lambda: (a := importer.get(f"/api/v1/imports/{job}")).json()["status"] in ("done", "failed") and a.json(),
        )
        expect(
            finished["status"] == "done", f"the import queued while the worker was down finished: {finished['status']}"
        )
        # Every arrival of the village since the stream opened, whether or not its answer reached the officer.
        in_db = {
            a for (a,) in self.psql(
                "SELECT id FROM checkpoints_arrival "
                "WHERE destination_village_id = '3510151002' AND name LIKE 'PELAKU UJI %%'"
            )
        }  # fmt: skip
        expect(set(registered) <= in_db, f"every registration answered 201 is in the database ({len(registered)})")
        wait_for(
            "every arrival on the village's stream",
            lambda: in_db <= set(stream.arrivals()),
            timeout=60,
        )
        twice = {a: seqs for a, seqs in stream.arrivals().items() if len(seqs) > 1}
        expect(
            not twice, f"no arrival reached the stream twice ({len(in_db)} arrivals, {stream.reconnects} reconnects)"
        )
        seqs = [s for s, _i, _t in stream.events]
        expect(seqs == sorted(set(seqs)), "the stream's delivery numbers only grow, none repeated")
        if refused:
            log(f"answers other than 201 during the kills (the officer's desk retries these): {refused[:5]}")
        public = Client(self.https_port, self.tls)
        readiness = self.wait_ready(public, "/readyz green after the kills")
        expect(readiness["status"] == "ok", "/readyz is green again after the kills")

    # 5. The nightly backup, run once as its timer would while the stack serves: its commands from the unit file.
    def run_backup(self) -> None:
        service = read_unit((self.rendered / "smartkampung-backup.service").read_text())
        env = dict(self.base_env)
        for env_file in service.get("EnvironmentFile", []):
            env.update(read_env_file(Path(env_file.lstrip("-"))))
        for command in service["ExecStart"] + service.get("ExecStartPost", []):
            done = subprocess.run(
                expand(command, env), cwd=service["WorkingDirectory"][0], env=env, capture_output=True, text=True
            )
            (self.logs / "backup.log").open("a").write(done.stdout + done.stderr)
            expect(done.returncode == 0, f"the backup unit's command ran: {command[:60]}… ({done.returncode})")
        (folder,) = [p for p in self.backups.iterdir() if p.is_dir()]
        manifest = json.loads((folder / "manifest.json").read_text())
        sums = subprocess.run(["sha256sum", "--quiet", "-c", "SHA256SUMS"], cwd=folder, capture_output=True)
        expect(
            sums.returncode == 0 and manifest["tables"]["checkpoints_arrival"] > 0,
            f"the nightly backup unit wrote {folder.name}: its checksums hold, its manifest counts the arrivals",
        )

    def check_deploy_settings(self, env: dict) -> None:
        output = self.sk("check", "--deploy", "--fail-level", "WARNING", env=env)
        expect("no issues" in output, "smartkampung check --deploy is clean with the deployment's settings")

    def run(self) -> None:
        with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{self.db_name}"')
        try:
            env = self.write_env_file()
            passwords = self.upgrade_from_previous_release(env)
            self.check_deploy_settings(env)
            self.start_units()
            self.start_nginx()
            operator, officer, stream = self.check_through_the_proxy(passwords, env)
            self.check_failures(operator, officer, stream, env)
            stream.stop.set()
            self.run_backup()
        finally:
            self.stop()
            with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{self.db_name}" WITH (FORCE)')


def main() -> int:
    root = Path(tempfile.mkdtemp(prefix="sk-deploy-check-"))
    root.chmod(0o755)  # nginx's workers (nobody) read the static files below it
    check = DeployCheck(root)
    try:
        check.run()
    except CheckFailed as failure:
        log(f"FAILED: {failure}")
        for path in sorted(check.logs.glob("*.log")) + sorted((root / "nginx").glob("*.log")):
            print(
                f"--- last lines of {path.name} ---\n" + "\n".join(path.read_text(errors="replace").splitlines()[-30:])
            )
        return 1
    log(f"deploy check passed in {time.monotonic() - STARTED:.0f} s")
    shutil.rmtree(root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

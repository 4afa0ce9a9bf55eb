"""`smartkampung bench checkpoint`: registrations at the checkpoints and their live notifications,
end to end, through the real ASGI server.

Starts `smartkampung run` (uvicorn, the notification worker and the task worker) on the configured
database, opens one live stream (GET /api/v1/notifications/stream) per village as that village's
operator, drives registrations through POST /api/v1/arrivals from concurrent keep-alive clients (each
officer with an API token), and times, for each registration, from the moment its response returns
to the moment its event reaches its village's stream. Run it against a scratch PostgreSQL database:
DATABASE_URL=postgres://…/smartkampung_bench smartkampung bench checkpoint.
"""

import asyncio
import contextlib
import json
import os
import random
import signal
import statistics
import subprocess
import sys
import time
import urllib.request

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection, transaction

from smartkampung.accounts.models import ApiToken, Role, RoleAssignment
from smartkampung.accounts.services import create_api_token
from smartkampung.bench.http import Connection, event_stream
from smartkampung.checkpoints.services import seed_demo_checkpoints
from smartkampung.notifications.models import Notification
from smartkampung.regions.codes import code_lists
from smartkampung.regions.models import Village
from smartkampung.regions.services import load_puskesmas, load_regions

HOST = "127.0.0.1"
ORIGINS = ("3509", "3512", "3578", "5171")  # Jember, Situbondo, Surabaya, Denpasar


def _log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))]


@transaction.atomic
def _accounts(villages: list[str], posts) -> tuple[dict[str, str], dict[str, str]]:
    """An operator per village and an officer per checkpoint, each with a fresh API token."""
    User = get_user_model()
    bench_users = User.objects.filter(username__startswith="bench.")
    ApiToken.objects.filter(user__in=bench_users).delete()
    operators, officers = {}, {}
    for code in villages:
        user, _ = User.objects.get_or_create(username=f"bench.op.{code}")
        RoleAssignment.objects.get_or_create(user=user, role=Role.VILLAGE_OPERATOR, village_id=code)
        operators[code] = create_api_token(user=user, name="bench")[1]
    for post in posts:
        user, _ = User.objects.get_or_create(username=f"bench.officer.{post.code}")
        RoleAssignment.objects.get_or_create(user=user, role=Role.CHECKPOINT_OFFICER, checkpoint=post)
        officers[post.code] = create_api_token(user=user, name="bench")[1]
    return operators, officers


@contextlib.contextmanager
def served(*, port: int, workers: int, env: dict[str, str]):
    """A real `smartkampung run` server for the duration of the block, healthy before the block starts and
    stopped (its whole process group) after it."""
    command = [sys.executable, "-m", "smartkampung", "run", "--host", HOST, "--port", str(port)]
    command += ["--workers", str(workers)]
    _log(f"starting: {' '.join(command[2:])} (database: {settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]})")
    server = subprocess.Popen(command, env=env, start_new_session=True)  # noqa: S603 - our own command
    try:
        _wait_healthy(port, server)
        yield server
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)


def _wait_healthy(port: int, server: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        if server.poll() is not None:
            raise SystemExit("the server stopped while starting; see its output above")
        try:
            with urllib.request.urlopen(f"http://{HOST}:{port}/healthz", timeout=2) as answer:  # noqa: S310
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise SystemExit("the server did not answer /healthz in time")


def _bodies(rng: random.Random, count: int, villages: list[str], posts: list[str]) -> list[tuple[str, dict]]:
    districts = {o: [c for c, (r, _n) in code_lists().districts.items() if r == o] for o in ORIGINS}
    run_tag = rng.randint(0, 99)
    bodies = []
    for i in range(count):
        origin = rng.choice(ORIGINS)
        # Unique NIKs per run (serial = the registration's number), never repeated at a checkpoint.
        born = f"{rng.randint(1, 28):02d}{rng.randint(1, 12):02d}{run_tag:02d}"
        nik = f"{rng.choice(districts[origin])}{born}{i % 9999 + 1:04d}"
        post = rng.choice(posts)
        bodies.append(
            (
                post,
                {
                    "checkpoint": post,
                    "nik": nik,
                    "name": f"PELAKU UJI {i}",
                    "phone": f"0812{rng.randint(10_000_000, 99_999_999)}",
                    "origin_regency": origin,
                    "destination_village": rng.choice(villages),
                    "destination_address": "RT 001 RW 001",
                    "temperature": rng.choice(["36.4", "36.8", "37.1", "37.9"]),
                    "symptoms": rng.choice([[], [], ["cough"]]),
                    "repeat_confirmed": True,
                },
            )
        )
    return bodies


def _serves_database(command: str, database: str) -> bool:
    """Is this PostgreSQL process ours: a connection to the benchmark's database ("postgres: 15/main: USER DB
    HOST(PORT) STATE"), or one of the server's own (WAL writer, checkpointer, …)? Other databases' connections
    (another program's tests) are not counted."""
    rest = command.split(": ", 2)[-1].split()
    # "autovacuum worker DB", "parallel worker for PID": a worker of some database, ours when it names ours.
    if rest[:2] in (["autovacuum", "worker"], ["parallel", "worker"]):
        return len(rest) < 3 or rest[2] == database
    client = len(rest) >= 3 and ("(" in rest[2] or rest[2] == "[local]")
    return not client or rest[1] == database


def _cpu_seconds(server_group: int) -> dict[str, float] | None:
    """CPU seconds used so far by each part of the system on this machine (Linux /proc; None elsewhere): the web
    processes, the notification worker, the task worker, PostgreSQL's processes and this load generator."""
    if not os.path.isdir("/proc"):
        return None
    database = settings.DATABASES["default"]["NAME"]
    tick = os.sysconf("SC_CLK_TCK")
    parts: dict[str, float] = {}
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
            with open(f"/proc/{pid}/cmdline", "rb") as cmdline:
                command = cmdline.read().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue  # ended meanwhile
        if int(pid) == os.getpid():
            part = "load_generator"
        elif command.startswith("postgres"):
            if not _serves_database(command, database):
                continue
            part = "database"
        elif int(fields[2]) != server_group:  # not ours (fields[2]: the process group)
            continue
        elif "notify_worker" in command:
            part = "notify_worker"
        elif "db_worker" in command:
            part = "task_worker"
        else:
            part = "web"
        parts[part] = parts.get(part, 0.0) + (int(fields[11]) + int(fields[12])) / tick
    return parts


def _cpu_per_registration(before, after, registrations: int) -> dict[str, float] | None:
    """Milliseconds of CPU per registration, by part, between two `_cpu_seconds` readings."""
    if before is None or after is None or not registrations:
        return None
    spent = {part: (after[part] - before.get(part, 0.0)) * 1000 / registrations for part in after}
    spent["all"] = sum(spent.values())
    return {part: round(ms, 2) for part, ms in spent.items()}


async def _drive(
    *,
    server_group: int,
    port: int,
    operators: dict,
    officers: dict,
    phases: list[tuple[str, list, int, float | None]],
    after: int,
    wait: float,
    settle: float = 3,
) -> dict[str, dict]:
    """Open the streams once, then run each phase (name, bodies, clients, rate per second or None for as fast
    as the clients go) one after another, and report each phase's figures."""
    received: dict[tuple[str, int], float] = {}  # (stream village, arrival id) -> first arrival of its event
    duplicated = 0

    def on_event(village: str):
        def handle(_id: str, event: str, data: str) -> None:
            nonlocal duplicated
            if event != "notification":
                return
            item = json.loads(data)
            if item.get("subject_type") != "arrival":
                return
            key = (village, int(item["subject_id"]))
            if key in received:
                duplicated += 1
            else:
                received[key] = time.perf_counter()

        return handle

    streams, connected = [], []
    for village, key in operators.items():
        ready = asyncio.Event()
        connected.append(ready)
        streams.append(
            asyncio.create_task(
                event_stream(
                    HOST,
                    port,
                    f"/api/v1/notifications/stream?after={after}",
                    headers={"Authorization": f"Bearer {key}"},
                    on_event=on_event(village),
                    connected=ready,
                )  # fmt: skip
            )
        )
    await asyncio.wait_for(asyncio.gather(*(c.wait() for c in connected)), timeout=60)
    await asyncio.sleep(settle)  # each stream's first read from the database, as after a real reconnect storm
    results = {}
    for name, bodies, clients, rate in phases:
        pace = f"at {rate:g}/s" if rate else "as fast as they go"
        _log(f"{len(streams)} live streams; {name}: {len(bodies):,} travellers from {clients} clients, {pace} ...")
        duplicated_before = duplicated
        cpu_before = _cpu_seconds(server_group)
        result = await _phase(port, officers, bodies, clients, rate, received, wait)
        # Over the phase and its wait for the last events (the streams' delivery belongs to it).
        result["cpu_ms_per_registration"] = _cpu_per_registration(
            cpu_before, _cpu_seconds(server_group), result["registrations"]
        )
        result["duplicated"] = duplicated - duplicated_before
        results[name] = result
    for task in streams:
        task.cancel()
    await asyncio.gather(*streams, return_exceptions=True)
    return results


async def _phase(port, officers, bodies, clients, rate, received, wait) -> dict:
    returned: dict[int, float] = {}  # arrival id -> when its response returned
    village_of: dict[int, str] = {}
    errors: list[str] = []
    busy = 0  # 503 + Retry-After answers (each sent again after that time, as the desk does)
    queue = iter(enumerate(bodies))
    started = time.perf_counter()

    async def client() -> None:
        nonlocal busy
        connection_ = Connection(HOST, port)
        for index, (post, body) in queue:
            if rate:  # an open loop: the i-th registration is due at i / rate, whatever became of the others
                delay = started + index / rate - time.perf_counter()
                if delay > 0:
                    await asyncio.sleep(delay)
            while True:
                try:
                    status, data = await connection_.request(
                        "POST", "/api/v1/arrivals", headers={"Authorization": f"Bearer {officers[post]}"}, body=body
                    )
                except Exception as exc:  # noqa: BLE001 - every failure is counted, none stops the run
                    errors.append(repr(exc))
                    status = None
                    break
                if status != 503:
                    break
                busy += 1
                await asyncio.sleep(float(connection_.last_headers.get("retry-after", "1")))
            if status is None:
                continue
            if status != 201:
                errors.append(f"{status} {data[:200]!r}")
                continue
            arrival = json.loads(data)["id"]
            returned[arrival] = time.perf_counter()
            village_of[arrival] = body["destination_village"]
        await connection_.close()

    await asyncio.gather(*(client() for _ in range(clients)))
    finished = time.perf_counter()
    deadline = finished + wait
    while time.perf_counter() < deadline and any((village_of[a], a) not in received for a in returned):
        await asyncio.sleep(0.05)
    latencies = [
        max(0.0, (received[(village_of[a], a)] - t) * 1000)
        for a, t in returned.items()
        if (village_of[a], a) in received
    ]
    return {
        "registrations": len(returned),
        "seconds": round(finished - started, 2),
        "registrations_per_s": round(len(returned) / (finished - started), 1),
        "notify_latency_p50_ms": round(statistics.median(latencies), 1) if latencies else None,
        "notify_latency_p99_ms": round(_percentile(latencies, 99), 1) if latencies else None,
        "lost": sum(1 for a in returned if (village_of[a], a) not in received),
        "busy_503": busy,
        "errors": len(errors),
        "first_errors": errors[:3],
    }


def registration_cpu(officers: dict[str, str], bodies: list[tuple[str, dict]]) -> float:
    """The server's CPU per registration, measured in this process: POST /api/v1/arrivals with an officer's
    API token through Django's whole request path (middleware, authentication, validation, the service, the
    response), no network and no other load; milliseconds of this process's CPU time per registration."""
    from django.test import Client

    client = Client()

    def register(items) -> None:
        for post, body in items:
            answer = client.post(
                "/api/v1/arrivals",
                data=json.dumps(body),
                content_type="application/json",
                HTTP_AUTHORIZATION=f"Bearer {officers[post]}",
            )
            if answer.status_code != 201:
                raise SystemExit(f"registration refused while measuring: {answer.status_code} {answer.content[:200]!r}")

    warm = max(1, len(bodies) // 10)
    register(bodies[:warm])  # imports, caches, the first connection
    started = time.process_time()
    register(bodies[warm:])
    return (time.process_time() - started) * 1000 / (len(bodies) - warm)


def _vacuum_queue() -> None:
    """Start from the notification queue as autovacuum keeps it (notifications migration 0008 has it vacuumed
    every thousand deliveries): earlier runs' delivered rows otherwise stay in the dispatcher's index of undelivered
    ones where the server's autovacuum is off (as on the CI machines), and every dispatch walks them."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"VACUUM ANALYZE {Notification._meta.db_table}")


def run(
    *,
    registrations: int,
    clients: int,
    port: int,
    workers: int,
    seed: int,
    wait: float,
    rate: float = 100,
    paced_seconds: float = 20,
    cpu_samples: int = 1000,
) -> dict:
    regency = settings.SMARTKAMPUNG_REGENCY
    if not Village.objects.filter(district__regency_id=regency).exists():
        load_regions(regency_code=regency)
    load_puskesmas(regency_code=regency)
    posts = seed_demo_checkpoints()
    villages = sorted(Village.objects.filter(district__regency_id=regency).values_list("code", flat=True))
    operators, officers = _accounts(villages, posts)
    paced = round(rate * paced_seconds) if rate else 0
    bodies = _bodies(random.Random(seed), cpu_samples + paced + registrations, villages, [p.code for p in posts])
    _log(f"measuring the CPU of {cpu_samples:,} registrations in this process ...")
    cpu_ms = registration_cpu(officers, bodies[:cpu_samples]) if cpu_samples else None
    after = Notification.objects.order_by("-seq").values_list("seq", flat=True).first() or 0
    _vacuum_queue()
    connection.close()  # the server processes take over the database

    phases = []
    if paced:
        phases.append((f"at_{rate:g}_per_s", bodies[cpu_samples : cpu_samples + paced], clients, rate))
    phases.append(("saturated", bodies[cpu_samples + paced :], clients, None))
    env = {**os.environ, "NOTIFY_STREAM_MAX_SECONDS": "3600", "SMARTKAMPUNG_ACCESS_LOG": "0"}
    with served(port=port, workers=workers, env=env) as server:
        results = asyncio.run(
            _drive(
                server_group=server.pid,  # its own session: the group of its processes
                port=port,
                operators=operators,
                officers=officers,
                phases=phases,
                after=after,
                wait=wait,
            )
        )
    saturated = results["saturated"]
    paced_result = results.get(f"at_{rate:g}_per_s")
    return {
        "benchmark": "checkpoint",
        "registration_cpu_ms": round(cpu_ms, 2) if cpu_ms is not None else None,
        "registrations_per_s": saturated["registrations_per_s"],
        "notify_latency_p99_ms_paced": paced_result["notify_latency_p99_ms"] if paced_result else None,
        "notify_latency_p99_ms_saturated": saturated["notify_latency_p99_ms"],
        # Where the CPU of a registration goes at saturation (web, database, notify_worker, load_generator, …).
        "cpu_ms_per_registration": saturated["cpu_ms_per_registration"],
        "lost": sum(r["lost"] for r in results.values()),
        "duplicated": sum(r["duplicated"] for r in results.values()),
        "errors": sum(r["errors"] for r in results.values()),
        "phases": results,
        "streams": len(operators),
        "clients": clients,
        "server_workers": workers,
        "database": connection.vendor,
    }

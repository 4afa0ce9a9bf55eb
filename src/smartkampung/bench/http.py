"""A small asyncio HTTP/1.1 client for the benchmarks: keep-alive requests and Server-Sent Event
streams, with no dependency and little CPU (the load generator shares the machine with the server)."""

import asyncio
import json
from collections.abc import Callable


class HttpError(Exception):
    pass


async def _read_body(reader: asyncio.StreamReader, headers: dict[str, str]) -> bytes:
    if headers.get("transfer-encoding", "").lower() == "chunked":
        chunks = []
        while True:
            size = int((await reader.readline()).split(b";")[0].strip() or b"0", 16)
            if size == 0:
                await reader.readline()
                return b"".join(chunks)
            chunks.append(await reader.readexactly(size))
            await reader.readline()
    return await reader.readexactly(int(headers.get("content-length", "0")))


async def _read_head(reader: asyncio.StreamReader) -> tuple[int, dict[str, str]]:
    status_line = await reader.readline()
    if not status_line:
        raise HttpError("connection closed")
    status = int(status_line.split()[1])
    headers = {}
    while (line := await reader.readline()) not in (b"\r\n", b"\n", b""):
        name, _, value = line.decode("latin-1").partition(":")
        headers[name.strip().lower()] = value.strip()
    return status, headers


class Connection:
    """One keep-alive connection, reopened when the server closes it."""

    def __init__(self, host: str, port: int):
        self.host, self.port = host, port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None
        self.last_headers: dict[str, str] = {}  # of the last response (e.g. its Retry-After)

    async def request(self, method: str, path: str, *, headers: dict[str, str], body: dict | None = None):
        payload = json.dumps(body).encode() if body is not None else b""
        for attempt in range(2):
            if self.writer is None:
                self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
            head = [f"{method} {path} HTTP/1.1", f"Host: {self.host}:{self.port}", f"Content-Length: {len(payload)}"]
            if body is not None:
                head.append("Content-Type: application/json")
            head += [f"{k}: {v}" for k, v in headers.items()]
            self.writer.write(("\r\n".join(head) + "\r\n\r\n").encode() + payload)
            try:
                await self.writer.drain()
                status, response_headers = await _read_head(self.reader)
                data = await _read_body(self.reader, response_headers)
            except (HttpError, ConnectionError, asyncio.IncompleteReadError):
                await self.close()
                if attempt:
                    raise
                continue
            if response_headers.get("connection", "").lower() == "close":
                await self.close()
            self.last_headers = response_headers
            return status, data
        raise HttpError("unreachable")

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            self.writer = None


async def event_stream(
    host: str, port: int, path: str, *, headers: dict[str, str], on_event: Callable[[str, str, str], None],
    connected: asyncio.Event | None = None,
) -> None:  # fmt: skip
    """Read an SSE stream until cancelled, calling on_event(id, event, data) for each event."""
    reader, writer = await asyncio.open_connection(host, port)
    try:
        head = [f"GET {path} HTTP/1.1", f"Host: {host}:{port}", "Accept: text/event-stream"]
        head += [f"{k}: {v}" for k, v in headers.items()]
        writer.write(("\r\n".join(head) + "\r\n\r\n").encode())
        await writer.drain()
        status, response_headers = await _read_head(reader)
        if status != 200:
            raise HttpError(f"stream answered {status}")
        if connected is not None:
            connected.set()
        chunked = response_headers.get("transfer-encoding", "").lower() == "chunked"
        buffer = b""
        fields: dict[str, str] = {}
        while True:
            if chunked:
                size = int((await reader.readline()).split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    return
                buffer += await reader.readexactly(size)
                await reader.readline()
            else:
                chunk = await reader.read(65536)
                if not chunk:
                    return
                buffer += chunk
            while b"\n" in buffer:
                line, buffer = buffer.split(b"\n", 1)
                text = line.decode().rstrip("\r")
                if not text:
                    if "data" in fields:
                        on_event(fields.get("id", ""), fields.get("event", "message"), fields["data"])
                    fields = {}
                elif not text.startswith(":"):
                    name, _, value = text.partition(":")
                    value = value[1:] if value.startswith(" ") else value
                    fields[name] = fields[name] + "\n" + value if name == "data" and "data" in fields else value
    finally:
        writer.close()

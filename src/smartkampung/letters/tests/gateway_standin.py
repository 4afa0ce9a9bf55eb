"""A real HTTP server standing in for BSrE's signing gateway, for tests of anything that signs through it.

    with GatewayStandIn() as bsre:
        signed = sign_step(pdf, key=bsre.key(), passphrase=bsre.passphrase, ...)

It speaks both API versions (v1 multipart, v2 JSON), checks HTTP basic auth, holds its own "BSrE" root and one
certificate per NIK, each key encrypted with its passphrase, and really signs (pyHanko, PAdES, approval signature)
the empty signature field found at the page and rectangle it is given. `mode` simulates failures:
"down" (the connection is closed without an answer), "slow" (answers after `slow_seconds`), "garbage" (200 with an
HTML page), "unsigned" (200 with the file unchanged), "error" (HTTP 500). A wrong passphrase is refused as BSrE
does: 400 `{"error": "Passphrase anda salah", "status_code": 2031}`.
"""

from __future__ import annotations

import base64
import contextlib
import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from io import BytesIO

from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from pyhanko.pdf_utils.font.basic import SimpleFontEngineFactory
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.pdf_utils.text import TextBoxStyle
from pyhanko.sign import signers
from pyhanko.sign.fields import SigSeedSubFilter, enumerate_sig_fields
from pyhanko.stamp import TextStampStyle
from pyhanko_certvalidator.registry import SimpleCertificateStore

from smartkampung.letters import pki
from smartkampung.letters.signing import GatewayKey, WrongPassphrase
from smartkampung.letters.tests import pki_fixtures

MODES = {"ok", "down", "slow", "garbage", "unsigned", "error"}
STAMP = TextStampStyle(
    stamp_text="Ditandatangani secara elektronik\n%(signer)s\nBalai Sertifikasi Elektronik\n%(ts)s",
    text_box_style=TextBoxStyle(font=SimpleFontEngineFactory("Helvetica", 0.5), font_size=7),
    border_width=1,
)


def _der(pem: bytes) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(x509.load_pem_x509_certificate(pem).public_bytes(serialization.Encoding.DER))


def _parse_multipart(body: bytes, content_type: str) -> dict[str, bytes]:
    boundary = None
    for piece in content_type.split(";"):
        name, _, value = piece.strip().partition("=")
        if name.lower() == "boundary":
            boundary = value.strip('"').encode()
    if not boundary:
        raise ValueError("no boundary")
    fields = {}
    for part in body.split(b"--" + boundary)[1:]:
        if part.startswith(b"--"):
            break
        head, _, data = part[2:].partition(b"\r\n\r\n")
        for line in head.decode("utf-8", "replace").split("\r\n"):
            if line.lower().startswith("content-disposition"):
                for item in line.split(";"):
                    key, _, value = item.strip().partition("=")
                    if key == "name":
                        fields[value.strip('"')] = data[:-2] if data.endswith(b"\r\n") else data
    return fields


class GatewayStandIn:
    """BSrE's gateway on 127.0.0.1 (a free port), for one test or a whole module."""

    def __init__(
        self,
        *,
        nik: str = "3510010101800001",
        passphrase: str = "bsre passphrase",  # noqa: S107 - a test passphrase
        username: str = "smartkampung",
        password: str = "gateway secret",  # noqa: S107 - a test password
        mode: str = "ok",
        slow_seconds: float = 3.0,
    ):
        self.nik = nik
        self.passphrase = passphrase
        self.username = username
        self.password = password
        self.mode = mode
        self.slow_seconds = slow_seconds
        cert_pem, key_pem, _ = pki_fixtures.bsre_official(nik, passphrase)
        self.root_pem = pki_fixtures.bsre_root().cert_pem
        self.certificate_pem = cert_pem
        self._officials = {nik: (cert_pem, key_pem)}
        self.requests: list[dict] = []
        self._stop = threading.Event()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self.url = ""

    def key(self, api_version: str = "v1", timeout: float = 2.0, **changes) -> GatewayKey:
        """The GatewayKey an official of this gateway would have."""
        values = {
            "base_url": self.url,
            "username": self.username,
            "password": self.password,
            "nik": self.nik,
            "api_version": api_version,
            "timeout": timeout,
        }
        values.update(changes)
        return GatewayKey(**values)

    def __enter__(self) -> GatewayStandIn:
        if self.mode not in MODES:
            raise ValueError(f"mode must be one of {sorted(MODES)}")
        standin = self

        class Handler(_Handler):
            gateway = standin

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, name="bsre-standin", daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self._stop.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    # What the gateway does with a request; the handler only speaks HTTP.

    def _sign(self, pdf: bytes, nik: str, passphrase: str, page: int, box: tuple[float, ...], reason: str, where: str):
        """(status, JSON error or None, signed PDF or None)."""
        official = self._officials.get(nik)
        if official is None:
            return 400, {"error": "NIK tidak terdaftar", "status_code": 1111}, None
        cert_pem, key_pem = official
        try:
            key = pki.load_private_key(key_pem, passphrase, checked=False)
        except WrongPassphrase:
            return 400, {"error": "Passphrase anda salah", "status_code": 2031}, None
        try:
            reader = PdfFileReader(BytesIO(pdf), strict=False)
            field_name = self._field_at(reader, page, box)
        except Exception:  # noqa: BLE001 - the real gateway answers 400 for a file it cannot read
            return 400, {"error": "Dokumen tidak valid", "status_code": 2100}, None
        if field_name is None:
            return 400, {"error": "Posisi tanda tangan tidak ditemukan", "status_code": 2101}, None
        signer = signers.SimpleSigner(
            signing_cert=_der(cert_pem),
            signing_key=asn1_keys.PrivateKeyInfo.load(
                key.private_bytes(
                    serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
                )
            ),
            cert_registry=SimpleCertificateStore.from_certs([_der(self.root_pem)]),
        )
        metadata = signers.PdfSignatureMetadata(
            field_name=field_name,
            md_algorithm="sha256",
            subfilter=SigSeedSubFilter.PADES,
            reason=reason or None,
            location=where or None,
        )
        writer = IncrementalPdfFileWriter(BytesIO(pdf))
        out = signers.PdfSigner(metadata, signer, stamp_style=STAMP).sign_pdf(writer, existing_fields_only=True)
        return 200, None, out.getvalue()

    @staticmethod
    def _field_at(reader: PdfFileReader, page: int, box: tuple[float, ...]) -> str | None:
        x, y, w, h = box
        page_ref = reader.find_page_for_modification(page - 1)[0].reference
        for name, _value, ref in enumerate_sig_fields(reader, filled_status=False):
            widget = ref.get_object()
            if "/P" in widget and widget.raw_get("/P").reference != page_ref:
                continue
            x1, y1, x2, y2 = (float(v) for v in widget["/Rect"])
            found = (min(x1, x2), min(y1, y2), abs(x2 - x1), abs(y2 - y1))
            if all(abs(a - b) <= 1.5 for a, b in zip(found, (x, y, w, h), strict=True)):
                return name
        return None


class _Handler(BaseHTTPRequestHandler):
    gateway: GatewayStandIn
    protocol_version = "HTTP/1.1"

    def log_message(self, format, *args):  # noqa: A002 - quiet in tests
        pass

    def _answer(self, status: int, body: bytes, content_type: str) -> None:
        try:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(body)
        except OSError:
            pass  # the client gave up (a timeout test)
        self.close_connection = True

    def _json(self, status: int, payload: dict) -> None:
        self._answer(status, json.dumps(payload).encode(), "application/json")

    def _authorised(self) -> bool:
        expected = base64.b64encode(f"{self.gateway.username}:{self.gateway.password}".encode()).decode()
        return self.headers.get("Authorization", "") == f"Basic {expected}"

    def do_POST(self):  # noqa: N802 - http.server's name
        gateway = self.gateway
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        record = {"path": self.path, "authorised": self._authorised(), "mode": gateway.mode}
        gateway.requests.append(record)
        if gateway.mode == "down":
            self.close_connection = True
            with contextlib.suppress(OSError):
                self.connection.shutdown(socket.SHUT_RDWR)
            return
        if gateway.mode == "slow" and gateway._stop.wait(gateway.slow_seconds):
            return
        if self.path not in ("/api/sign/pdf", "/api/v2/sign/pdf"):
            return self._json(404, {"error": "Not found", "status_code": 404})
        if not record["authorised"]:
            return self._json(401, {"error": "Unauthorized", "status_code": 401})
        if gateway.mode == "error":
            return self._json(500, {"error": "Internal server error", "status_code": 500})
        try:
            if self.path == "/api/v2/sign/pdf":
                request = json.loads(body)
                properties = request["signatureProperties"][0]
                pdf = base64.b64decode(request["file"][0])
                nik, passphrase = request["nik"], request["passphrase"]
                page = int(properties["page"])
                box = tuple(float(properties[k]) for k in ("originX", "originY", "width", "height"))
                reason, where = properties.get("reason", ""), properties.get("location", "")
            else:
                fields = _parse_multipart(body, self.headers.get("Content-Type", ""))
                text = {k: v.decode("utf-8") for k, v in fields.items() if k != "file"}
                pdf = fields["file"]
                nik, passphrase = text["nik"], text["passphrase"]
                page = int(text["page"])
                box = tuple(float(text[k]) for k in ("xAxis", "yAxis", "width", "height"))
                reason, where = text.get("reason", ""), text.get("location", "")
        except (ValueError, KeyError, IndexError, TypeError):
            return self._json(400, {"error": "Parameter tidak lengkap", "status_code": 2000})
        record.update(nik=nik, page=page, box=box)
        if gateway.mode == "garbage":
            return self._answer(200, b"<html><body><h1>502 Bad Gateway</h1></body></html>", "text/html")
        if gateway.mode == "unsigned":
            signed = pdf
        else:
            status, error, signed = gateway._sign(pdf, nik, passphrase, page, box, reason, where)
            if error is not None:
                return self._json(status, error)
        if self.path == "/api/v2/sign/pdf":
            return self._json(200, {"file": [base64.b64encode(signed).decode()]})
        return self._answer(200, signed, "application/pdf")

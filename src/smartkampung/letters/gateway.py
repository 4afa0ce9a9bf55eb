"""BSrE's remote signing gateway (esign client API), behind the same interface as local keys (signing.sign_step).

v1: `POST {base}/api/sign/pdf`, multipart/form-data with `file`, `nik`, `passphrase`, `tampilan` (visible),
`image` (false), `page` (from 1), `xAxis`, `yAxis` (lower left corner, PDF points from the bottom left), `width`,
`height`, `reason`, `location`; answers the signed PDF.
v2: `POST {base}/api/v2/sign/pdf`, JSON `{"nik", "passphrase", "signatureProperties": [{"tampilan": "VISIBLE",
"page", "originX", "originY", "width", "height", "location", "reason"}], "file": [base64]}`; answers
`{"file": [base64]}`. Both use HTTP basic auth; errors come as JSON `{"error": "...", "status_code": ...}`.

What comes back is trusted only after checking it: it must be our file with exactly one more signature appended as
an incremental update, in the field we asked for, intact and covering the whole file. Otherwise SigningFailed, so
a letter is never marked signed when its file is not.
"""

from __future__ import annotations

import base64
import http.client
import json
import logging
import secrets
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from io import BytesIO

from django.utils.translation import gettext
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation.generic_cms import validate_sig_integrity
from pyhanko.sign.validation.status import SignatureCoverageLevel

from smartkampung.letters.pdf import FieldProblem, field_box
from smartkampung.letters.pki import GatewayRefused, GatewayUnavailable, SigningFailed, WrongPassphrase

__all__ = ["MAX_RESPONSE_BYTES", "GatewayKey", "sign_remote"]

logger = logging.getLogger(__name__)

MAX_RESPONSE_BYTES = 50 * 1024 * 1024
BSRE_WRONG_PASSPHRASE_CODES = {2031}
LOOPBACK = {"localhost", "127.0.0.1", "::1"}


@dataclass(frozen=True)
class GatewayKey:
    """An official's certificate held by BSrE, used through its signing gateway; `timeout` in seconds per network
    operation. Re-exported by signing.py."""

    base_url: str
    username: str
    password: str
    nik: str
    api_version: str = "v1"
    timeout: float = 20.0


def _multipart(fields: dict[str, str], file_field: str, filename: str, data: bytes) -> tuple[bytes, str]:
    boundary = "----smartkampung" + secrets.token_hex(16)
    out = BytesIO()
    for name, value in fields.items():
        out.write(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode())
        out.write(str(value).encode("utf-8") + b"\r\n")
    out.write(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{file_field}"; filename="{filename}"\r\n'
        "Content-Type: application/pdf\r\n\r\n".encode()
    )
    out.write(data + b"\r\n")
    out.write(f"--{boundary}--\r\n".encode())
    return out.getvalue(), f"multipart/form-data; boundary={boundary}"


def _opener(url: str) -> urllib.request.OpenerDirector:
    host = urllib.parse.urlsplit(url).hostname or ""
    # Environment proxies apply, except to a gateway on this machine.
    handlers = [urllib.request.ProxyHandler({})] if host in LOOPBACK else []
    return urllib.request.build_opener(*handlers)


def _gateway_message(body: bytes) -> tuple[str, int | None]:
    try:
        answer = json.loads(body.decode("utf-8", "replace"))
    except ValueError:
        return body.decode("utf-8", "replace").strip()[:200], None
    if not isinstance(answer, dict):
        return "", None
    message = answer.get("error") or answer.get("message") or answer.get("errors") or ""
    if isinstance(message, list | dict):
        message = json.dumps(message, ensure_ascii=False)
    code = answer.get("status_code")
    try:
        code = int(code) if code is not None else None
    except (TypeError, ValueError):
        code = None
    return " ".join(str(message).split())[:200], code


def _refusal(status: int, body: bytes) -> SigningFailed:
    message, code = _gateway_message(body)
    lowered = message.lower()
    if code in BSRE_WRONG_PASSPHRASE_CODES or "passphrase" in lowered or "kata sandi" in lowered:
        return WrongPassphrase(
            gettext("The passphrase is wrong (the signing gateway says: %(message)s). The letter was not signed.")
            % {"message": message or status},
            detail=f"HTTP {status}",
        )
    if status >= 500 or status in (408, 429):
        return GatewayUnavailable(detail=f"HTTP {status}: {message}")
    if status in (401, 403) and not message.lower().startswith("nik"):
        return GatewayRefused(
            gettext(
                "The signing gateway did not accept this service's credentials; tell the administrator. "
                "The letter was not signed."
            ),
            detail=f"HTTP {status}: {message}",
        )
    return GatewayRefused(
        gettext("The signing gateway refused to sign: %(message)s. The letter was not signed.")
        % {"message": message or f"HTTP {status}"},
        detail=f"HTTP {status}",
    )


def _post(key: GatewayKey, path: str, body: bytes, content_type: str) -> tuple[str, bytes]:
    url = key.base_url.rstrip("/") + path
    if urllib.parse.urlsplit(url).scheme not in ("http", "https"):
        raise GatewayRefused(
            gettext("The signing gateway's address is not an http(s) address; tell the administrator.")
        )
    credentials = base64.b64encode(f"{key.username}:{key.password}".encode()).decode("ascii")
    request = urllib.request.Request(  # noqa: S310 - http(s) only, checked above
        url,
        data=body,
        method="POST",
        headers={
            "Content-Type": content_type,
            "Authorization": f"Basic {credentials}",
            "Accept": "application/pdf, application/json",
            "User-Agent": "smartkampung",
        },
    )
    try:
        with _opener(url).open(request, timeout=key.timeout) as response:
            payload = response.read(MAX_RESPONSE_BYTES + 1)
            answer_type = response.headers.get("Content-Type", "")
    except urllib.error.HTTPError as exc:
        try:
            error_body = exc.read(64 * 1024)
        except (OSError, http.client.HTTPException):
            error_body = b""
        raise _refusal(exc.code, error_body) from exc
    except (urllib.error.URLError, TimeoutError, ConnectionError, http.client.HTTPException) as exc:
        logger.warning("signing gateway %s unreachable: %r", url, exc)
        raise GatewayUnavailable(detail=repr(exc)) from exc
    except OSError as exc:
        logger.warning("signing gateway %s failed: %r", url, exc)
        raise GatewayUnavailable(detail=repr(exc)) from exc
    if len(payload) > MAX_RESPONSE_BYTES:
        raise SigningFailed(gettext("The signing gateway answered with a file too large to be a letter."))
    return answer_type, payload


def _not_a_letter(detail: str) -> SigningFailed:
    return SigningFailed(
        gettext(
            "The signing gateway did not send back a correctly signed letter. The letter was not signed and is "
            "still waiting for your signature; try again."
        ),
        detail=detail,
    )


def _signatures(pdf: bytes) -> list:
    return list(PdfFileReader(BytesIO(pdf), strict=False).embedded_regular_signatures)


def _integrity(embedded) -> tuple[bool, bool, SignatureCoverageLevel]:
    """(intact, valid, coverage) of a signature. Trust is judged later (validation.check_pdf) against the
    deployment's roots; here only: are these bytes signed, and does the signature match its certificate."""
    embedded.compute_integrity_info(skip_diff=True)
    intact, valid = validate_sig_integrity(
        embedded.signer_info, embedded.signer_cert, "data", embedded.compute_digest()
    )
    return intact, valid, embedded.coverage


def _checked(sent: bytes, received: bytes, field_name: str, before: int) -> bytes:
    if not received.startswith(b"%PDF-"):
        raise _not_a_letter("the answer is not a PDF")
    if not received.startswith(sent) or len(received) <= len(sent):
        raise _not_a_letter("the answer does not extend the file sent (not an incremental update)")
    try:
        signatures = _signatures(received)
    except Exception as exc:  # noqa: BLE001 - an unreadable answer is a failed signature
        raise _not_a_letter(f"unreadable answer: {exc!r}") from exc
    if len(signatures) != before + 1:
        raise _not_a_letter(f"{len(signatures)} signatures in the answer, expected {before + 1}")
    last = signatures[-1]
    if last.field_name != field_name:
        raise _not_a_letter(f"signature in field {last.field_name!r}, expected {field_name!r}")
    try:
        intact, valid, coverage = _integrity(last)
    except Exception as exc:  # noqa: BLE001
        raise _not_a_letter(f"signature cannot be checked: {exc!r}") from exc
    if not (intact and valid and coverage == SignatureCoverageLevel.ENTIRE_FILE):
        raise _not_a_letter(f"intact={intact} valid={valid} coverage={coverage}")
    return received


def sign_remote(
    pdf: bytes,
    *,
    key: GatewayKey,
    passphrase: str,
    field_name: str,
    reason: str = "",
    location: str = "",
) -> bytes:
    """`pdf` signed by BSrE's gateway in its empty signature field `field_name`. Raises WrongPassphrase,
    GatewayUnavailable (no answer, timeout, 5xx), GatewayRefused (4xx) or SigningFailed (a bad answer)."""
    try:
        page, x, y, width, height = field_box(pdf, field_name)
        before = len(_signatures(pdf))
    except FieldProblem as exc:
        raise SigningFailed(gettext("This letter has no place for this signature."), detail=str(exc)) from exc
    except Exception as exc:  # noqa: BLE001
        raise SigningFailed(gettext("The letter's file cannot be signed: it is damaged."), detail=repr(exc)) from exc
    if key.api_version == "v2":
        body = json.dumps(
            {
                "nik": key.nik,
                "passphrase": passphrase,
                "signatureProperties": [
                    {
                        "tampilan": "VISIBLE",
                        "page": page + 1,
                        "originX": round(x, 2),
                        "originY": round(y, 2),
                        "width": round(width, 2),
                        "height": round(height, 2),
                        "location": location,
                        "reason": reason,
                    }
                ],
                "file": [base64.b64encode(pdf).decode("ascii")],
            }
        ).encode()
        _, payload = _post(key, "/api/v2/sign/pdf", body, "application/json")
        try:
            answer = json.loads(payload)
            received = base64.b64decode(answer["file"][0], validate=True)
        except (ValueError, KeyError, IndexError, TypeError) as exc:
            raise _not_a_letter(f"v2 answer without a file: {payload[:80]!r}") from exc
    else:
        body, content_type = _multipart(
            {
                "nik": key.nik,
                "passphrase": passphrase,
                "tampilan": "visible",
                "image": "false",
                "page": str(page + 1),
                "xAxis": f"{x:.2f}",
                "yAxis": f"{y:.2f}",
                "width": f"{width:.2f}",
                "height": f"{height:.2f}",
                "reason": reason,
                "location": location,
            },
            "file",
            "letter.pdf",
            pdf,
        )
        _, received = _post(key, "/api/sign/pdf", body, content_type)
        if received.lstrip().startswith(b"{") and _gateway_message(received)[0]:
            raise _refusal(400, received)  # an error reported with "200 OK"
    return _checked(pdf, received, field_name, before)

"""Village letters in a real browser (issue 15's "Done when"): a resident asks for an SKTM from a phone, the operator,
the secretary and the head of Bakungan sign it from their queues, the resident downloads the PDF (its signatures
valid in pyHanko and in poppler's pdfsig, its QR code the letter's verification address), the verification page
shows it valid with the resident's name masked, the file uploaded there is authentic and a copy with one byte
changed is caught, and the operator's dashboard counts one letter finished within the hour. A letter whose chain goes
on to the camat is finished by the camat from a phone. Every letters page, with a working day's letters on it, fits a
360 px phone and a 1366 px desktop."""

import re
import shutil
import subprocess
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import segno
from PIL import Image

from smartkampung.browser.tests.conftest import BROWSER, DESKTOP, PHONE
from smartkampung.browser.tests.world import (
    LETTER_PASSPHRASE,
    letter_officials,
    person,
    resident_of_bakungan,
)
from smartkampung.checkpoints.tests.fixtures import RESIDENT_KK, RESIDENT_NIK
from smartkampung.letters import pdf as letter_pdf
from smartkampung.letters import services
from smartkampung.letters.content import verify_url
from smartkampung.letters.selectors import trust_roots
from smartkampung.letters.tests.officials import office_request, png, sign_through
from smartkampung.letters.validation import check_pdf

pytestmark = BROWSER

PDFSIG, PDFTOPPM = shutil.which("pdfsig"), shutil.which("pdftoppm")
SIGNERS = ("village_operator", "village_secretary", "village_head")


# ---------------------------------------------------------------- what the test reads in the files


def needs_poppler() -> None:
    if not (PDFSIG and PDFTOPPM):
        pytest.fail(
            "These tests check the letters with poppler (pdfsig, pdftoppm): run scripts/pdf-deps.sh (as root), or "
            "apt-get install poppler-utils.",
            pytrace=False,
        )


def pdfsig_report(data: bytes, folder: Path) -> list[dict]:
    """poppler's pdfsig on the file: for each signature its validation and whether it covers the whole file."""
    path = folder / "pdfsig.pdf"
    path.write_bytes(data)
    out = subprocess.run([PDFSIG, str(path)], capture_output=True, text=True, timeout=60).stdout  # noqa: S603
    return [
        {
            "validation": (re.search(r"- Signature Validation: (.*)", block) or [None, ""])[1].strip(),
            "whole": "Total document signed" in block,
        }
        for block in re.split(r"^Signature #\d+:\s*$", out, flags=re.M)[1:]
    ]


def printed_qr(data: bytes, folder: Path, modules: int) -> list[list[bool]]:
    """The QR code in the first page's footer as poppler draws it, read module by module (dark or light)."""
    scale = 8  # pixels a point: 576 dpi
    size = letter_pdf.QR_SIZE
    left, top = letter_pdf.LEFT, letter_pdf.PAGE_H - letter_pdf.BOTTOM - size
    (folder / "letter.pdf").write_bytes(data)
    box = [round(left * scale), round(top * scale), round(size * scale), round(size * scale)]
    subprocess.run(  # noqa: S603 - our own arguments
        [PDFTOPPM, "-r", str(72 * scale), "-f", "1", "-l", "1", "-gray", "-png", "-singlefile"]
        + ["-x", str(box[0]), "-y", str(box[1]), "-W", str(box[2]), "-H", str(box[3])]
        + [str(folder / "letter.pdf"), str(folder / "qr")],
        check=True,
        timeout=60,
    )
    image = Image.open(folder / "qr.png").convert("L")
    unit = image.width / modules
    return [
        [image.getpixel((int((col + 0.5) * unit), int((row + 0.5) * unit))) < 128 for col in range(modules)]
        for row in range(modules)
    ]


def qr_of(url: str) -> list[list[bool]]:
    return [[bool(dark) for dark in row] for row in segno.make(url, error="m").matrix_iter(border=0)]


def one_byte_changed_inside_the_signed_range(data: bytes) -> bytes:
    """The letter with one byte changed in the middle of the longest stream of its first revision (the page's
    text, its fonts): a part every signature covers, while the file still reads as a PDF."""
    first = data[: data.index(b"%%EOF")]
    streams = [(m.end(), first.index(b"endstream", m.end())) for m in re.finditer(rb"(?<!end)stream\r?\n", first)]
    start, end = max(streams, key=lambda span: span[1] - span[0])
    edited = bytearray(data)
    edited[(start + end) // 2] ^= 0x01
    return bytes(edited)


# ---------------------------------------------------------------- what the people do


def download(browser, page, button: str) -> tuple[str, bytes]:
    """Click `button` and return the file the browser downloads (its name and bytes)."""
    target = page._target

    def catch():
        with target.expect_download() as caught:
            target.click(button)
        return caught.value.suggested_filename, Path(caught.value.path()).read_bytes()

    return browser.chromium.call(catch)


def sign_from_the_queue(browser, page, code: str, *, wrong_first: bool = False) -> None:
    """On an official's page: the queue, the letter, the passphrase, Sign."""
    page.goto(browser.url("/letters/"))
    row = page.locator(f"#queue li[data-code='{code}']")
    browser.expect(row).to_be_visible()
    row.locator("a").first.click()
    browser.expect(page.locator("#act")).to_be_visible()
    if wrong_first:
        page.fill("#id_passphrase", "bukan-kata-sandinya")
        page.click("#sign-submit")
        browser.expect(page.locator("#sign-errors")).to_be_visible()
        browser.expect(page.locator("#letter-status")).to_have_attribute("data-status", "in_progress")
    page.fill("#id_passphrase", LETTER_PASSPHRASE)
    page.click("#sign-submit")
    page.wait_for_load_state()


def test_a_resident_asks_on_a_phone_three_officials_sign_and_anyone_can_verify_the_letter(browser, tmp_path):
    needs_poppler()
    resident_of_bakungan()
    people = letter_officials()
    narrow = []

    # A resident on a phone, not signed in, asks for an SKTM with three photos.
    phone = browser.page(viewport=PHONE, label="resident")
    phone.goto(browser.url("/letters/request/"))
    phone.locator("#offered-types li[data-code='sktm'] a.button").click()
    browser.expect(phone.locator("#id_letter_type")).to_have_value("sktm")
    phone.fill("#id_nik", RESIDENT_NIK)
    phone.fill("#id_kk_number", RESIDENT_KK)
    phone.fill("#id_phone", "0812 3456 7890")
    phone.fill("#id_purpose", "berobat ke rumah sakit")
    inputs = phone.locator("#attachment-inputs input[type=file]")
    browser.expect(inputs).to_have_count(3)
    for name in inputs.evaluate_all("inputs => inputs.map(i => i.name)"):
        photo = tmp_path / f"{name.removeprefix('attachment_')}.png"
        photo.write_bytes(png())
        phone.set_input_files(f"input[name='{name}']", str(photo))
    narrow.append(browser.too_wide(phone))
    browser.keep(phone, "letters-flow-1-request-filled")
    phone.click("#online-request-submit")
    browser.expect(phone.locator("#request-code")).to_be_visible()
    code = phone.locator("#request-code").get_attribute("data-code")
    narrow.append(browser.too_wide(phone))
    browser.keep(phone, "letters-flow-2-requested")

    # Following the link under the code: the request waits for its first official.
    phone.click("#status-link")
    browser.expect(phone.locator("#id_code")).to_have_value(code)
    phone.fill("#id_nik", RESIDENT_NIK)
    phone.fill("#id_kk_number", RESIDENT_KK)
    phone.click("#status-submit")
    browser.expect(phone.locator("#own-letter")).to_have_attribute("data-status", "in_progress")
    browser.expect(phone.locator("#download-form")).to_have_count(0)

    # The operator (on a phone), the secretary (at a desk; a mistyped passphrase first) and the head (on a phone).
    operator = browser.signed_in(people["village_operator"].username, viewport=PHONE)
    sign_from_the_queue(browser, operator, code)
    browser.expect(operator.locator("#queue")).to_be_visible()  # back at the queue, without the letter
    browser.expect(operator.locator(f"#queue li[data-code='{code}']")).to_have_count(0)
    narrow.append(browser.too_wide(operator))
    secretary = browser.signed_in(people["village_secretary"].username, viewport=DESKTOP)
    sign_from_the_queue(browser, secretary, code, wrong_first=True)
    browser.expect(secretary.locator("#queue")).to_be_visible()
    browser.expect(secretary.locator(f"#queue li[data-code='{code}']")).to_have_count(0)
    head = browser.signed_in(people["village_head"].username, viewport=PHONE)
    sign_from_the_queue(browser, head, code)
    browser.expect(head.locator("#letter-status")).to_have_attribute("data-status", "signed")
    number = head.locator("#letter-number").inner_text()
    assert re.fullmatch(r"400\.12/\d{3}/3510151002/[IVXLC]+/\d{4}", number), number
    browser.expect(head.locator("#steps li[data-status='signed']")).to_have_count(3)
    narrow.append(browser.too_wide(head))
    browser.keep(head, "letters-flow-3-head-signed")

    # The resident looks the request up again and downloads the letter.
    phone.goto(browser.url("/letters/status/"))
    phone.fill("#id_code", code)
    phone.fill("#id_nik", RESIDENT_NIK)
    phone.fill("#id_kk_number", RESIDENT_KK)
    phone.click("#status-submit")
    browser.expect(phone.locator("#own-letter")).to_have_attribute("data-status", "signed")
    narrow.append(browser.too_wide(phone))
    name, letter = download(browser, phone, "#download-submit")
    assert name == f"surat-{code}.pdf" and letter.startswith(b"%PDF-")

    # Its three signatures hold in pyHanko and in poppler; the QR code in it is the verification address.
    check = check_pdf(letter, trust_roots=trust_roots())
    assert check.authentic and len(check.signatures) == 3, check
    assert all(s.valid and s.intact and s.trusted for s in check.signatures), check.signatures
    report = pdfsig_report(letter, tmp_path)
    assert [s["validation"] for s in report] == ["Signature is Valid."] * 3, report
    assert report[-1]["whole"], report
    address = verify_url(code)
    wanted = qr_of(address)
    assert printed_qr(letter, tmp_path, len(wanted)) == wanted, f"the letter's QR code is not {address}"

    # The verification page the QR code leads to (on this test's server): valid, three signers, the name masked.
    phone.goto(browser.url(urlsplit(address).path))
    browser.expect(phone.locator("#verification")).to_have_attribute("data-status", "signed")
    browser.expect(phone.locator("#verification-headline")).to_have_class(re.compile(r"\bgood\b"))
    browser.expect(phone.locator("#signatures li[data-state='valid']")).to_have_count(3)
    browser.expect(phone.locator("#letter-facts")).to_contain_text(number)
    browser.expect(phone.locator("#masked-name")).to_have_text(re.compile(r"^W\*+$"))
    browser.expect(phone.locator("#masked-nik")).to_have_text("351015******0001")
    shown = phone.content()
    assert "Warsidi" not in shown and "WARSIDI" not in shown and RESIDENT_NIK not in shown
    narrow.append(browser.too_wide(phone))

    # The downloaded file, uploaded there, is authentic; the same file with one byte changed is not.
    (tmp_path / "surat.pdf").write_bytes(letter)
    (tmp_path / "surat-diubah.pdf").write_bytes(one_byte_changed_inside_the_signed_range(letter))
    phone.goto(browser.url("/verify/"))
    phone.set_input_files("#id_file", str(tmp_path / "surat.pdf"))
    phone.click("#verify-submit")
    browser.expect(phone.locator("#verdict")).to_have_attribute("data-verdict", "authentic")
    browser.expect(phone.locator("#verdict-headline")).to_have_class(re.compile(r"\bgood\b"))
    narrow.append(browser.too_wide(phone))
    phone.set_input_files("#id_file", str(tmp_path / "surat-diubah.pdf"))
    phone.click("#verify-submit")
    browser.expect(phone.locator("#verdict")).to_have_attribute("data-verdict", "modified")
    browser.expect(phone.locator("#verdict-headline")).to_have_class(re.compile(r"\bbad\b"))
    narrow.append(browser.too_wide(phone))
    browser.keep(phone, "letters-flow-4-verify-modified")

    # The operator's dashboard: one letter finished, within the hour, and nothing waiting in the queue.
    operator.goto(browser.url("/dashboard/"))
    overall = operator.locator("#letters-finished #letters-overall")
    browser.expect(overall.locator("[data-letters='finished'] strong")).to_have_attribute("data-value", "1")
    browser.expect(overall.locator("[data-letters='within_hour'] strong")).to_have_attribute("data-value", "1")
    browser.expect(operator.locator("#letters-queue")).to_have_attribute("data-queue", "0")
    narrow.append(browser.too_wide(operator))
    browser.keep(operator, "letters-flow-5-dashboard")
    assert not [problem for problem in narrow if problem], narrow


def test_a_letter_that_goes_on_to_the_camat_is_signed_by_the_camat_from_a_phone(browser, tmp_path):
    needs_poppler()
    resident_of_bakungan()
    people = letter_officials(camat=True)
    letter = sign_through(office_request(people["village_operator"], letter_type="usaha"), people, upto=3)

    camat = browser.signed_in(people["camat"].username, viewport=PHONE)
    sign_from_the_queue(browser, camat, letter.code)

    browser.expect(camat.locator("#letter-status")).to_have_attribute("data-status", "signed")
    browser.expect(camat.locator("#steps li[data-status='signed']")).to_have_count(4)
    assert not browser.too_wide(camat), browser.too_wide(camat)
    camat.goto(browser.url(f"/verify/{letter.code}"))
    browser.expect(camat.locator("#signatures li[data-state='valid']")).to_have_count(4)
    final = bytes(letter.revisions.order_by("-number").first().pdf)
    assert check_pdf(final, trust_roots=trust_roots()).authentic
    report = pdfsig_report(final, tmp_path)
    assert [s["validation"] for s in report] == ["Signature is Valid."] * 4, report


# ---------------------------------------------------------------- every page at a phone's and a desktop's width


def letters_of_a_working_day(people) -> dict:
    """Bakungan's letters: one finished (signed by all three), one sent back with a reason, one waiting for the
    operator, and one waiting for the secretary."""
    operator = people["village_operator"]
    signed = sign_through(office_request(operator), people)
    rejected = office_request(operator, letter_type="domisili")
    services.reject_letter(user=operator, code=rejected.code, reason="Foto KK buram, mohon unggah ulang yang jelas.")
    waiting = office_request(operator)
    at_secretary = sign_through(office_request(operator), people, upto=1)
    return {"signed": signed, "rejected": rejected, "waiting": waiting, "at_secretary": at_secretary}


class Widths:
    """Each page measured at a phone's width, then at a desktop's (the window widened, as a person would turn a
    tablet), and kept as a screenshot when asked (SMARTKAMPUNG_BROWSER_SHOTS_ALL=1)."""

    def __init__(self, browser):
        self.browser = browser
        self.problems: list[str] = []
        self.seen: list[str] = []

    def measure(self, page, name: str) -> None:
        self.seen.append(name)
        for viewport in (PHONE, DESKTOP):
            page.set_viewport_size(viewport)
            if problem := self.browser.too_wide(page):
                self.problems.append(f"{name}: {problem}")
            self.browser.keep(page, f"letters-{name}-{viewport['width']}")
        page.set_viewport_size(PHONE)

    def open(self, page, path: str, name: str, *, status: int = 200) -> None:
        answer = page.goto(self.browser.url(path))
        assert answer is not None and answer.status == status, f"{path}: HTTP {answer.status if answer else '?'}"
        self.measure(page, name)


def test_every_letters_page_fits_a_phone_and_a_desktop(browser, tmp_path):
    resident_of_bakungan()
    people = letter_officials()
    admin = person("admin.pemkab")
    letters = letters_of_a_working_day(people)
    signed, waiting = letters["signed"], letters["waiting"]
    final = bytes(signed.revisions.order_by("-number").first().pdf)
    (tmp_path / "surat.pdf").write_bytes(final)
    widths = Widths(browser)

    # The citizens' pages.
    citizen = browser.page(viewport=PHONE, label="citizen")
    widths.open(citizen, "/letters/request/", "request-choose")
    widths.open(citizen, "/letters/request/?letter_type=sktm", "request-form")
    citizen.click("#online-request-submit")
    browser.expect(citizen.locator("#form-errors")).to_be_visible()
    widths.measure(citizen, "request-errors")
    widths.open(citizen, "/letters/status/", "status-form")
    citizen.fill("#id_code", signed.code)
    citizen.fill("#id_nik", RESIDENT_NIK)
    citizen.fill("#id_kk_number", RESIDENT_KK)
    citizen.click("#status-submit")
    browser.expect(citizen.locator("#own-letter")).to_have_attribute("data-status", "signed")
    widths.measure(citizen, "status-signed")
    widths.open(citizen, f"/verify/{signed.code}", "verify-letter")
    widths.open(citizen, f"/verify/{letters['at_secretary'].code}", "verify-letter-in-progress")
    widths.open(citizen, "/verify/TIDAKADA99", "verify-unknown", status=404)
    widths.open(citizen, "/verify/", "verify-upload")
    citizen.set_input_files("#id_file", str(tmp_path / "surat.pdf"))
    citizen.click("#verify-submit")
    browser.expect(citizen.locator("#verdict")).to_have_attribute("data-verdict", "authentic")
    widths.measure(citizen, "verify-upload-authentic")

    # The operator's: the queue with the village's requests, a letter to sign, a finished one, the office desk,
    # the signing key, the dashboard's letters.
    operator = browser.signed_in(people["village_operator"].username, viewport=PHONE)
    widths.open(operator, "/letters/", "queue")
    browser.expect(operator.locator(f"#queue li[data-code='{waiting.code}']")).to_be_visible()
    widths.open(operator, f"/letters/{waiting.code}/", "letter-to-sign")
    browser.expect(operator.locator("#sign-form")).to_be_visible()
    widths.open(operator, f"/letters/{signed.code}/", "letter-signed")
    widths.open(operator, f"/letters/{letters['rejected'].code}/", "letter-rejected")
    widths.open(operator, "/letters/new/?letter_type=sktm", "new-request")
    operator.fill("#id_nik", RESIDENT_NIK)
    browser.expect(operator.locator("#resident-preview [data-resident-found]")).to_be_visible()
    widths.measure(operator, "new-request-resident")
    widths.open(operator, "/letters/signing-key/", "signing-key")
    widths.open(operator, "/dashboard/", "dashboard-operator")

    # The administrator's: every village's requests, the letter types and one type's editor with its preview.
    administrator = browser.signed_in(admin.username, viewport=PHONE)
    widths.open(administrator, "/letters/", "requests-administrator")
    widths.open(administrator, "/letters/types/", "types")
    widths.open(administrator, "/letters/types/sktm/", "type-edit")
    browser.expect(administrator.locator("#type-preview")).to_be_visible()

    assert len(widths.seen) == 21, widths.seen
    assert not widths.problems, "letters pages wider than the screen:\n" + "\n".join(widths.problems)

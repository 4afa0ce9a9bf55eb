"""The key and demonstration commands: the deployment's authority and an official's certificate made from the
console (passphrases from files, as scripts give them), a sample letter whose signatures validate in pyHanko and in
poppler's pdfsig while the database is left as it was, and demo letters that a second run keeps."""

import datetime as dt
import io
import re

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db.models import Q
from django.utils import timezone, translation

from smartkampung.accounts.models import Role, RoleAssignment
from smartkampung.audit.models import AuditEntry
from smartkampung.letters import keys, pki, validation
from smartkampung.letters.models import CertificateAuthority, LetterRequest, NumberCounter, SigningKey
from smartkampung.letters.selectors import latest_revision, queue_count, timing_by_village, trust_roots
from smartkampung.letters.tests.officials import BAKUNGAN, official
from smartkampung.letters.tests.test_pdf_signing import CERTUTIL, pdfsig
from smartkampung.population.models import Household, Resident

pytestmark = pytest.mark.usefixtures("regions")


@pytest.fixture(autouse=True)
def in_english():
    # The messages are checked in their English source words (the product speaks Indonesian by default).
    with translation.override("en"):
        yield


def assert_pdfsig_accepts(data: bytes, root: bytes, *, count: int) -> None:
    """poppler's pdfsig (an independent validator; its report is read by the engine's tests' helper) finds every
    signature valid, the last covering the whole file, and trusts the certificates when it can be told the root."""
    report = pdfsig(data, root)
    assert len(report) == count, report
    assert all(s["validation"] == "Signature is Valid." for s in report), report
    trusted = (
        {"Certificate is Trusted."} if CERTUTIL else {"Certificate is Trusted.", "Certificate issuer isn't Trusted."}
    )
    assert all(s["certificate"] in trusted for s in report), report
    assert report[-1]["whole"] and not any(s["whole"] for s in report[:-1])


def run(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


@pytest.fixture
def files(tmp_path):
    def write(name: str, text: str) -> str:
        path = tmp_path / name
        path.write_text(text + "\n", encoding="utf-8")
        return str(path)

    return write


# ---------------------------------------------------------------- signing_ca


def test_signing_ca_makes_the_active_authority_and_prints_its_fingerprint(files):
    out = run("signing_ca", "--passphrase-file", files("ca", "otoritas rahasia 2026"))

    authority = CertificateAuthority.objects.get(active=True)
    assert authority.name == "Smartkampung Banyuwangi Root CA"
    printed = re.search(r"Fingerprint \(SHA-256\): ([0-9A-F:]+)", out).group(1)
    assert printed.replace(":", "").lower() == authority.fingerprint
    pki.check_passphrase(authority.key_pem.encode(), "otoritas rahasia 2026")  # the file's line ending is not in it


def test_a_second_signing_ca_replaces_the_first_and_says_the_old_letters_stay_valid(files):
    run("signing_ca", "--passphrase-file", files("ca", "otoritas rahasia 2026"))
    out = run(
        "signing_ca", "--name", "Smartkampung Banyuwangi Root CA 2027", "--passphrase-file", files("ca2", "x" * 12)
    )

    assert list(CertificateAuthority.objects.filter(active=True).values_list("name", flat=True)) == [
        "Smartkampung Banyuwangi Root CA 2027"
    ]
    assert CertificateAuthority.objects.count() == 2
    assert "letters signed under that one stay valid" in out


def test_signing_ca_refuses_a_short_passphrase_and_makes_nothing(files):
    with pytest.raises(CommandError, match="at least 8 characters"):
        run("signing_ca", "--passphrase-file", files("ca", "pendek"))

    assert not CertificateAuthority.objects.exists()


def test_signing_ca_asks_the_passphrase_twice_at_the_terminal(monkeypatch):
    prompts = []
    monkeypatch.setattr("getpass.getpass", lambda prompt="": prompts.append(prompt) or "otoritas rahasia 2026")

    run("signing_ca")

    assert len(prompts) == 2 and "again" in prompts[1]
    pki.check_passphrase(CertificateAuthority.objects.get(active=True).key_pem.encode(), "otoritas rahasia 2026")


def test_signing_ca_asks_the_passphrase_twice_and_stops_when_they_differ(monkeypatch):
    answers = iter(["otoritas rahasia 2026", "otoritas rahasia 2062"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))

    with pytest.raises(CommandError, match="differ"):
        run("signing_ca")

    assert not CertificateAuthority.objects.exists()


# ---------------------------------------------------------------- signing_certificate


@pytest.fixture
def authority_files(files):
    run("signing_ca", "--passphrase-file", files("ca", "otoritas rahasia 2026"))
    return files


def test_signing_certificate_issues_the_official_a_key_locked_with_their_passphrase(authority_files):
    head = official("village_head", key=False)

    out = run(
        "signing_certificate",
        "--username",
        head.username,
        "--ca-passphrase-file",
        authority_files("ca", "otoritas rahasia 2026"),
        "--passphrase-file",
        authority_files("mine", "rahasia pak lurah"),
    )

    key = keys.active_key(head)
    facts = pki.certificate_facts(key.certificate_pem.encode())
    assert f"Certificate for {head.username}: Sugiono, Lurah Bakungan" in out
    assert f"{facts.not_before:%Y-%m-%d %H:%M} to {facts.not_after:%Y-%m-%d %H:%M} UTC" in out
    assert "Issued by:   Smartkampung Banyuwangi Root CA" in out
    pki.check_passphrase(key.key_pem.encode(), "rahasia pak lurah")


def test_signing_certificate_with_a_wrong_authority_passphrase_says_so_and_issues_nothing(authority_files):
    head = official("village_head", key=False)

    with pytest.raises(CommandError, match="passphrase of the certificate authority is wrong"):
        run(
            "signing_certificate",
            "--username",
            head.username,
            "--ca-passphrase-file",
            authority_files("wrong", "bukan yang benar"),
            "--passphrase-file",
            authority_files("mine", "rahasia pak lurah"),
        )

    assert not SigningKey.objects.exists()


def test_signing_certificate_refuses_an_unknown_user_and_a_user_who_signs_nothing(authority_files, admin):
    args = ["--ca-passphrase-file", authority_files("ca", "otoritas rahasia 2026")]
    args += ["--passphrase-file", authority_files("mine", "rahasia siapa saja")]

    with pytest.raises(CommandError, match="No user “nobody”"):
        run("signing_certificate", "--username", "nobody", *args)
    with pytest.raises(CommandError, match="Only an official who signs letters"):
        run("signing_certificate", "--username", admin.username, *args)

    assert not SigningKey.objects.exists()


def test_signing_certificate_without_an_authority_points_to_signing_ca(files):
    head = official("village_head", key=False)

    with pytest.raises(CommandError, match="signing_ca"):
        run("signing_certificate", "--username", head.username, "--passphrase-file", files("p", "rahasia pak lurah"))


# ---------------------------------------------------------------- letter_sample


def table_sizes() -> dict[str, int]:
    models = (CertificateAuthority, SigningKey, LetterRequest, NumberCounter, Resident, Household, AuditEntry)
    sizes = {model.__name__: model.objects.count() for model in models}
    sizes["users"] = get_user_model().objects.count()
    sizes["roles"] = RoleAssignment.objects.count()
    return sizes


def test_letter_sample_writes_a_letter_signed_three_times_that_pyhanko_and_pdfsig_validate(tmp_path):
    before = table_sizes()
    out_path, root_path = tmp_path / "sktm.pdf", tmp_path / "root.pem"

    out = run("letter_sample", "--out", str(out_path), "--ca-out", str(root_path))

    assert table_sizes() == before  # nothing of the sample stays
    data = out_path.read_bytes()
    number = re.search(r"Letter number:\s+(\S+)", out).group(1)
    code = re.search(r"Verify URL:\s+\S+/verify/([A-Z0-9]+)", out).group(1)
    assert re.fullmatch(r"400\.12/001/3510151002/[IVX]+/\d{4}", number)

    check = validation.check_pdf(data, trust_roots=[root_path.read_bytes()])
    assert check.code == code and check.untouched_since_last_signature
    assert [s.field_name for s in check.signatures] == [
        "step1_village_operator",
        "step2_village_secretary",
        "step3_village_head",
    ]
    assert all(s.intact and s.valid and s.trusted and s.modification_ok for s in check.signatures)
    assert check.signatures[0].certifying and not any(s.certifying for s in check.signatures[1:])
    assert not any(s.trusted for s in validation.check_pdf(data, trust_roots=trust_roots()).signatures)

    assert_pdfsig_accepts(data, root_path.read_bytes(), count=3)


def test_a_byte_changed_in_the_sample_letter_is_caught_by_pdfsig(tmp_path):
    out_path = tmp_path / "sktm.pdf"
    run("letter_sample", "--out", str(out_path))
    data = out_path.read_bytes()
    at = data.index(b"stream", len(data) // 8) + 40
    out_path.write_bytes(data[:at] + bytes([data[at] ^ 0x01]) + data[at + 1 :])

    report = pdfsig(out_path.read_bytes())

    assert len(report) == 3 and not any(s["validation"] == "Signature is Valid." for s in report), report


def test_letter_sample_refuses_a_folder_that_does_not_exist(tmp_path):
    with pytest.raises(CommandError, match="does not exist"):
        run("letter_sample", "--out", str(tmp_path / "missing" / "sktm.pdf"))


# ---------------------------------------------------------------- demo_letters


def test_demo_letters_makes_officials_keys_and_letters_in_every_state_and_a_second_run_keeps_them(django_user_model):
    camat_staff = django_user_model.objects.create_user("camat.glagah")
    RoleAssignment.objects.create(user=camat_staff, role=Role.DISTRICT_STAFF, district_id="351015")

    out = run("demo_letters")

    assert "demo-ca-passphrase" in out and "tandatangan123" in out
    for username in ("kades.bakungan", "sekdes.bakungan", "ttd.camat.glagah", "operator.bakungan"):
        assert re.search(rf"^  {re.escape(username)}\s+demo-\S+", out, re.MULTILINE), out
    assert list(RoleAssignment.objects.filter(user=camat_staff).values_list("role", flat=True)) == [Role.DISTRICT_STAFF]
    officials = {u.username: u for u in django_user_model.objects.filter(username__in=[
        "kades.bakungan", "sekdes.bakungan", "ttd.camat.glagah", "operator.bakungan"
    ])}  # fmt: skip
    assert RoleAssignment.objects.filter(user=officials["ttd.camat.glagah"], role=Role.CAMAT, district_id="351015")
    assert all(keys.active_key(user) is not None for user in officials.values())
    statuses = sorted(LetterRequest.objects.values_list("status", flat=True))
    assert statuses.count("signed") == 4 and statuses.count("in_progress") == 4 and statuses.count("rejected") == 1
    for username in officials:
        assert queue_count(officials[username]) >= 1, username
    whole, _villages = timing_by_village(scope_q=Q(village_id=BAKUNGAN), since=timezone.now() - dt.timedelta(days=1))
    assert whole.finished == 4 and whole.within_hour == 3
    camat_letter = LetterRequest.objects.get(status="signed", letter_type__code="usaha")
    check = validation.check_pdf(bytes(latest_revision(camat_letter).pdf), trust_roots=trust_roots())
    assert len(check.signatures) == 4 and all(s.valid and s.trusted for s in check.signatures)

    kept = (set(CertificateAuthority.objects.values_list("pk", flat=True)), set(SigningKey.objects.values_list("pk")))
    letters = set(LetterRequest.objects.values_list("pk", flat=True))
    again = run("demo_letters")

    assert "(kept)" in again and "no demo letters added" in again
    assert (
        set(CertificateAuthority.objects.values_list("pk", flat=True)),
        set(SigningKey.objects.values_list("pk")),
    ) == kept
    assert set(LetterRequest.objects.values_list("pk", flat=True)) == letters

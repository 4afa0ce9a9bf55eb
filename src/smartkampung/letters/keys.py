"""The officials' signing keys and the deployment's certificate authority: writes (services, each owning its
transaction and audit entry) and the reads the pages need.

An official holds at most one key in use (`SigningKey.active`): a key certified by the deployment's authority (its
private key encrypted with the official's passphrase), a BSrE certificate brought as a PKCS#12 file (kept as the
file, locked by its own password), or BSrE's remote signing gateway (by NIK). A new key retires the one before; a
new authority retires the one before for new certificates, while letters signed under the old one stay trusted.
Passphrases are asked, used and forgotten: none is ever stored."""

import datetime as dt

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from pyhanko.keys import load_certs_from_pemder_data
from pyhanko_certvalidator import CertificateValidator, ValidationContext
from pyhanko_certvalidator.errors import PathBuildingError, PathValidationError

from smartkampung.accounts.selectors import holds_signing_key, signing_places
from smartkampung.audit import services as audit
from smartkampung.core.errors import Refused
from smartkampung.letters import pki, signing
from smartkampung.letters.content import official_title
from smartkampung.letters.models import CertificateAuthority, Position, SigningKey
from smartkampung.letters.selectors import trust_roots
from smartkampung.regions.models import District, Regency, Village
from smartkampung.regions.nik import parse_nik

PKCS12_MAX_BYTES = 100 * 1024
# Which of the user's positions names them in their certificate, the highest first.
TITLE_ORDER = (Position.CAMAT, Position.HEAD, Position.SECRETARY, Position.OPERATOR)


def regency_name() -> str:
    """The deployment's regency as people write it ("Banyuwangi")."""
    regency = Regency.objects.filter(code=settings.SMARTKAMPUNG_REGENCY).only("name").first()
    if regency is None:
        return settings.SMARTKAMPUNG_REGENCY
    return regency.name.title().replace("Kabupaten ", "").replace("Kota ", "")


def default_authority_name() -> str:
    return f"Smartkampung {regency_name()} Root CA"


def organization() -> str:
    return f"Pemerintah Kabupaten {regency_name()}"


# ---------------------------------------------------------------- reads


def active_authority() -> CertificateAuthority | None:
    """The authority that certifies new keys (older ones stay trusted for the letters they signed)."""
    return CertificateAuthority.objects.filter(active=True).first()


def active_key(user) -> SigningKey | None:
    """The key the user signs with now, if any."""
    if user is None or not getattr(user, "pk", None):
        return None
    return SigningKey.objects.filter(user=user, active=True).first()


def signing_title(user) -> str:
    """The office the user signs in, as their certificate names it ("Lurah Bakungan", "Sekretaris Desa
    Sarongan", "Camat Glagah"): the highest of their positions, at the first place they hold it."""
    places = signing_places(user)
    for position in TITLE_ORDER:
        scope = places.get(position)
        if scope is None:
            continue
        if scope.villages:
            village = Village.objects.select_related("district").filter(code=min(scope.villages)).first()
            if village is not None:
                return official_title(position, village)
        if scope.districts:
            district = District.objects.filter(code=min(scope.districts)).first()
            if district is not None:
                return f"Camat {district.name.title()}"
    return ""


# ---------------------------------------------------------------- checks


def _require_signer(user) -> None:
    if user is None or not getattr(user, "pk", None) or not holds_signing_key(user):
        raise Refused(
            [
                (
                    "",
                    _(
                        "Only an official who signs letters (operator, secretary, village head, camat) or the "
                        "tourism agency's certificates holds a key."
                    ),
                )
            ],
            status=403,
        )


def _new_passphrase_problems(field: str, passphrase: str) -> list[tuple[str, str]]:
    return [(field, problem) for problem in pki.passphrase_problems(str(passphrase or ""))]


def _replace_key(user, **fields) -> SigningKey:
    """Retire the user's key in use and store the new one (in the caller's transaction)."""
    # The user's row locked: two enrolments at once queue instead of one breaking the one-key-in-use constraint.
    list(get_user_model().objects.select_for_update().filter(pk=user.pk).values_list("pk", flat=True))
    SigningKey.objects.filter(user=user, active=True).update(active=False)
    return SigningKey.objects.create(user=user, active=True, **fields)


def _store_certified_key(user, *, certificate_pem: bytes, detail: dict, by, **material) -> SigningKey:
    """A key with its certificate (of the deployment's authority, or imported) becomes the user's key in use, and
    the audit log says whose, which certificate and until when."""
    facts = pki.certificate_facts(certificate_pem)
    with transaction.atomic():
        key = _replace_key(
            user,
            certificate_pem=certificate_pem.decode(),
            subject_name=facts.subject_name[:200],
            fingerprint=facts.fingerprint_sha256,
            not_after=facts.not_after,
            **material,
        )
        audit.record(
            action="create",
            object_type="signing_key",
            subject=user.get_username(),
            object_ids=[str(key.pk)],
            detail={
                "kind": key.kind,
                "official": user.get_username(),
                **detail,
                "fingerprint": facts.fingerprint_sha256,
                "not_after": facts.not_after.isoformat(),
            },
            user=by,
        )
    return key


# ---------------------------------------------------------------- writes


def make_certificate_authority(
    *, name: str, passphrase: str, now: dt.datetime | None = None, by=None
) -> CertificateAuthority:
    """A new root for the deployment's officials' certificates. It becomes the one that certifies new keys;
    the one before stays, inactive, so the letters it certified keep validating. The private key is stored
    encrypted with `passphrase`, which is never stored. `by`: who made it (the signed-in user if None)."""
    now = now or timezone.now()
    name = " ".join(str(name or "").split())
    errors: list[tuple[str, str]] = []
    if not name:
        errors.append(("name", _("Give the authority a name.")))
    elif len(name) > 64:
        errors.append(("name", _("Keep the name under 64 characters.")))
    errors += _new_passphrase_problems("passphrase", passphrase)
    if errors:
        raise Refused(errors)
    certificate_pem, key_pem = pki.make_root(common_name=name, organization=organization(), passphrase=passphrase)
    facts = pki.certificate_facts(certificate_pem)
    with transaction.atomic():
        retired = list(
            CertificateAuthority.objects.select_for_update().filter(active=True).values_list("pk", flat=True)
        )
        CertificateAuthority.objects.filter(pk__in=retired).update(active=False)
        authority = CertificateAuthority.objects.create(
            name=name,
            certificate_pem=certificate_pem.decode(),
            key_pem=key_pem.decode(),
            fingerprint=facts.fingerprint_sha256,
            not_after=facts.not_after,
            active=True,
            created_at=now,
        )
        audit.record(
            action="create",
            object_type="certificate_authority",
            subject=facts.fingerprint_sha256[:40],
            object_ids=[str(authority.pk)],
            detail={"name": name, "not_after": facts.not_after.isoformat(), "retired": [str(pk) for pk in retired]},
            user=by,
        )
    return authority


def issue_signing_key(*, user, ca_passphrase: str, passphrase: str, position_title: str = "", by=None) -> SigningKey:
    """A certificate for the official from the deployment's active authority, with a new key encrypted with the
    official's own `passphrase` (asked at every signature, never stored). It replaces the key they used
    before. `ca_passphrase` opens the authority's key for this one certificate. `by`: who issued it (the
    signed-in user if None)."""
    _require_signer(user)
    errors = _new_passphrase_problems("passphrase", passphrase)
    if not ca_passphrase:
        errors.append(("ca_passphrase", _("Enter the passphrase of the certificate authority.")))
    if errors:
        raise Refused(errors)
    authority = active_authority()
    if authority is None:
        raise Refused(
            [("ca_passphrase", _("This server has no certificate authority yet: run “smartkampung signing_ca”."))],
            status=409,
        )
    if authority.not_after <= timezone.now():
        raise Refused(
            [("ca_passphrase", _("The certificate authority has expired: make a new one with “signing_ca”."))],
            status=409,
        )
    title = " ".join(str(position_title or "").split()) or signing_title(user)
    try:
        certificate_pem, key_pem = pki.issue_official(
            root_cert_pem=authority.certificate_pem.encode(),
            root_key_pem=authority.key_pem.encode(),
            root_passphrase=ca_passphrase,
            name=user.get_full_name() or user.get_username(),
            position=title,
            organization=organization(),
            email=user.email or "",
            passphrase=passphrase,
        )
    except signing.WrongPassphrase as error:
        raise Refused(
            [("ca_passphrase", _("The passphrase of the certificate authority is wrong."))], status=422
        ) from error
    except pki.BadCertificateFile as error:
        raise Refused([("ca_passphrase", error.words)], status=409) from error
    return _store_certified_key(
        user,
        certificate_pem=certificate_pem,
        detail={"position": title, "authority": authority.fingerprint},
        by=by,
        kind=SigningKey.Kind.LOCAL,
        key_pem=key_pem.decode(),
    )


def chains_to_trusted_root(certificate_pem: bytes, chain_pems: list[bytes]) -> bool:
    """Does the certificate lead (through the file's own intermediates) to a root this deployment trusts?"""
    roots = [cert for pem in trust_roots() for cert in load_certs_from_pemder_data(pem)]
    if not roots:
        return False
    context = ValidationContext(trust_roots=roots, allow_fetching=False, revocation_mode="soft-fail")
    (leaf,) = load_certs_from_pemder_data(certificate_pem)
    intermediates = [cert for pem in chain_pems for cert in load_certs_from_pemder_data(pem)]
    validator = CertificateValidator(leaf, intermediate_certs=intermediates, validation_context=context)
    try:
        signing.run_sync(validator.async_validate_path())
    except (PathBuildingError, PathValidationError):
        return False
    return True


def import_pkcs12_key(*, user, data: bytes, password: str) -> SigningKey:
    """The official brings their certificate from the national authority (BSrE) as a PKCS#12 file (.p12/.pfx).
    It is stored as it is, locked by its own password, which is the passphrase asked at every signature."""
    _require_signer(user)
    data = bytes(data or b"")
    if not data:
        raise Refused([("file", _("Choose your certificate file (.p12 or .pfx)."))])
    if len(data) > PKCS12_MAX_BYTES:
        raise Refused(
            [
                (
                    "file",
                    _("The certificate file is larger than %(kb)d KB: it is not a certificate file.")
                    % {"kb": PKCS12_MAX_BYTES // 1024},
                )
            ]
        )
    if not password:
        raise Refused([("password", _("Enter the password of the certificate file."))])
    try:
        certificate_pem, _key_pem, chain = pki.load_pkcs12(data, password)
    except signing.WrongPassphrase as error:
        raise Refused([("password", _("This password does not open the certificate file."))]) from error
    except pki.BadCertificateFile as error:
        raise Refused([("file", error.words)]) from error
    facts = pki.certificate_facts(certificate_pem)
    now = timezone.now()
    if facts.not_after <= now:
        raise Refused(
            [
                (
                    "file",
                    _("This certificate expired on %(date)s. Ask BSrE for a new one.")
                    % {"date": facts.not_after.date().isoformat()},
                )
            ]
        )
    if facts.not_before > now:
        raise Refused(
            [
                (
                    "file",
                    _("This certificate is valid only from %(date)s.") % {"date": facts.not_before.date().isoformat()},
                )
            ]
        )
    if facts.is_ca:
        raise Refused([("file", _("This is a certificate authority's certificate, not a personal one."))])
    if not chains_to_trusted_root(certificate_pem, chain):
        raise Refused(
            [
                (
                    "file",
                    _(
                        "This certificate does not lead to a certificate authority this deployment trusts, so letters "
                        "signed with it could not be verified. Ask the regency administrator to add BSrE's root "
                        "certificate (LETTERS_TRUSTED_ROOTS)."
                    ),
                )
            ]
        )
    return _store_certified_key(
        user,
        certificate_pem=certificate_pem,
        detail={"issuer": facts.issuer_name},
        by=user,
        kind=SigningKey.Kind.PKCS12,
        pkcs12=data,
    )


def use_gateway_key(*, user, nik: str) -> SigningKey:
    """The official signs through BSrE's signing gateway with the certificate BSrE holds for their NIK (the key
    never leaves BSrE; the passphrase asked at signing is BSrE's)."""
    _require_signer(user)
    if not settings.BSRE_GATEWAY_URL:
        raise Refused([("nik", _("The BSrE signing gateway is not set up on this server."))], status=409)
    parsed = parse_nik(str(nik or "").strip())
    if parsed.errors:
        raise Refused([("nik", error.message) for error in parsed.errors])
    with transaction.atomic():
        key = _replace_key(user, kind=SigningKey.Kind.GATEWAY, gateway_nik=parsed.nik)
        audit.record(
            action="create",
            object_type="signing_key",
            subject=user.get_username(),
            object_ids=[str(key.pk)],
            detail={"kind": key.kind, "official": user.get_username(), "gateway": settings.BSRE_GATEWAY_URL},
            user=user,
        )
    return key


def key_material(key: SigningKey):
    """What letters.signing signs with for a stored key (letters, tourism certificates): a local key with the
    deployment's authorities as its chain, an imported BSrE PKCS#12, or BSrE's gateway. Refused in words when the
    key is the gateway's and no gateway is set up."""
    if key.kind == SigningKey.Kind.LOCAL:
        chain = tuple(c.encode() for c in CertificateAuthority.objects.values_list("certificate_pem", flat=True))
        return signing.LocalKey(
            certificate_pem=key.certificate_pem.encode(), key_pem=key.key_pem.encode(), chain_pems=chain
        )
    if key.kind == SigningKey.Kind.PKCS12:
        # The certificate read at import spares OpenSSL's key check (some 50 ms) at every signature.
        return signing.Pkcs12Key(data=bytes(key.pkcs12), certificate_pem=key.certificate_pem.encode())
    if not settings.BSRE_GATEWAY_URL:
        raise Refused([("passphrase", _("The BSrE signing gateway is not set up on this server."))], status=409)
    return signing.GatewayKey(
        base_url=settings.BSRE_GATEWAY_URL,
        username=settings.BSRE_GATEWAY_USERNAME,
        password=settings.BSRE_GATEWAY_PASSWORD,
        nik=key.gateway_nik,
        api_version=settings.BSRE_GATEWAY_API,
        timeout=settings.BSRE_GATEWAY_TIMEOUT_SECONDS,
    )

"""Demonstration tourism data (`smartkampung demo_tourism`): the tourism agency's login (demo_logins' `dispar`)
gets a signing key of the demo certificate authority (demo_letters'), two owners apply for their places online,
the agency registers the destinations on their managers' behalf, inspects and certifies most of them (real
findings, real signed PDFs), and a few are left at the other steps: certified with conditions, waiting for their
inspection, rejected, suspended or revoked after a violation, one with a violation open. Visitors inside make the
map's occupancy live. Everything goes through the services, so audit entries, notifications and the rules are
real.

Run again, it changes nothing: a place already there (by its name) is left as it is, the key is kept when the
demo passphrase opens it. The one exception is the visitors: when every demo visit has stopped counting (a day
later, say), a fresh crowd checks in, so the map is never empty on a demonstration."""

from __future__ import annotations

import datetime as dt
import random
import secrets
from dataclasses import dataclass, field

from cryptography import x509
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from smartkampung.accounts.selectors import tourism_agency
from smartkampung.core.errors import Refused
from smartkampung.letters import keys, pki, signing
from smartkampung.letters.management.commands import _people
from smartkampung.letters.management.commands.demo_letters import DEMO_CA_PASSPHRASE, DEMO_SIGNING_PASSPHRASE
from smartkampung.letters.models import SigningKey
from smartkampung.tourism import codes
from smartkampung.tourism.models import Certificate, Decision, Inspection, Place, Violation
from smartkampung.tourism.selectors import open_visits
from smartkampung.tourism.services import capacity, certification, violations
from smartkampung.tourism.services import places as place_services

AGENCY_USERNAME = "dispar"  # demo_logins' tourism agency login
AGENCY_NAME = ("Ayu", "Kartika Sari")
AGENCY_TITLE = "Dinas Kebudayaan dan Pariwisata"


class Fate:
    """Where a demo place ends up."""

    CERTIFIED = "certified"
    CONDITIONAL = "conditional"
    APPLIED = "applied"  # waiting: no inspection scheduled yet
    SCHEDULED = "scheduled"  # waiting: its inspection is scheduled
    INSPECTING = "inspecting"  # waiting: the inspector has recorded some findings
    REJECTED = "rejected"
    SUSPENDED = "suspended"  # certified, then suspended after a violation upheld
    REVOKED = "revoked"  # certified, then revoked after a violation upheld
    REPORTED = "reported"  # certified, with a violation report open


# The owners' accounts: (key, username, full name, phone).
OWNERS = {
    "osing": ("pemilik.osing", "Sri Wahyuningsih", "081234560101"),
    "blambangan": ("pemilik.blambangan", "Hendra Kurniawan", "081234560202"),
}


@dataclass(frozen=True)
class DemoPlace:
    name: str
    kind: str
    village: str
    latitude: str
    longitude: str
    capacity: int
    stay: int  # usual stay in minutes
    hours: str
    address: str
    description: str
    fate: str
    owner: str = ""  # a key of OWNERS; "" for a destination the agency registers for its manager
    manager: str = ""  # the destination's manager (owner_name) when there is no owner account
    phone: str = "081234560303"
    fill: float = 0.4  # how full it is now (share of capacity)
    extra: dict = field(default_factory=dict)


P = DemoPlace
PLACES: tuple[DemoPlace, ...] = (
    # Destinations, registered by the agency for their managers.
    P("Kawah Ijen", "destination", "3510242008", "-8.058300", "114.242200", 1500, 300, "02.00-12.00 (Jumat tutup pagi)",
      "Paltuding, Desa Tamansari, Kec. Licin",
      "Kawah vulkanik dengan api biru dan danau asam terbesar di dunia; pendakian 3 km dari Paltuding.",
      Fate.CERTIFIED, manager="Pengelola TWA Kawah Ijen", fill=0.35),
    P("Pantai Pulau Merah", "destination", "3510012004", "-8.603600", "114.025800", 2000, 240, "06.00-18.00",
      "Dusun Pancer, Desa Sumberagung, Kec. Pesanggaran",
      "Pantai berpasir putih dengan bukit merah di lepas pantai; ombak untuk peselancar pemula.",
      Fate.CERTIFIED, manager="Pokdarwis Pulau Merah", fill=0.2),
    P("Savana Bajulmati (sisi Taman Nasional Baluran)", "destination", "3510182007", "-7.925000", "114.405000", 400,
      180, "07.00-17.00", "Desa Bajulmati, Kec. Wongsorejo",
      "Padang savana dan pantai di sisi Banyuwangi Taman Nasional Baluran; banteng dan rusa di musim kemarau.",
      Fate.CERTIFIED, manager="Pokdarwis Bajulmati", fill=0.15),
    P("Pantai Boom", "destination", "3510161013", "-8.206700", "114.383600", 1200, 180, "06.00-21.00",
      "Jl. Pantai Boom, Kel. Kampungmandar, Kec. Banyuwangi",
      "Pantai kota dengan dermaga marina, pemandangan Selat Bali dan Festival Gandrung Sewu.",
      Fate.CERTIFIED, manager="UPT Pantai Boom", fill=0.45),
    P("De Djawatan", "destination", "3510062005", "-8.431800", "114.243500", 600, 120, "07.00-17.00",
      "Desa Benculuk, Kec. Cluring",
      "Hutan trembesi tua berlumut ala negeri dongeng, bekas tempat penimbunan kayu Perhutani.",
      Fate.CERTIFIED, manager="Perhutani KPH Banyuwangi Selatan", fill=0.5),
    P("Agrowisata Kampung Osing", "destination", "3510152004", "-8.202000", "114.318700", 300, 180, "08.00-17.00",
      "Desa Kemiren, Kec. Glagah",
      "Desa adat Osing: rumah adat, kopi Kemiren, tari Gandrung dan sawah berundak; paket petik kopi.",
      Fate.CERTIFIED, manager="Pokdarwis Kencana Kemiren", fill=0.3),
    P("Bangsring Underwater", "destination", "3510182001", "-8.059600", "114.422000", 250, 180, "07.00-16.00",
      "Dusun Krajan, Desa Bangsring, Kec. Wongsorejo",
      "Rumah apung, snorkeling di terumbu karang dan berenang bersama hiu di kolam apung.",
      Fate.CERTIFIED, manager="Kelompok Nelayan Samudra Bakti", fill=0.6),
    P("Pantai Plengkung (G-Land)", "destination", "3510042009", "-8.728000", "114.355000", 200, 240, "06.00-18.00",
      "Kawasan Taman Nasional Alas Purwo, Desa Kalipait, Kec. Tegaldlimo",
      "Ombak kelas dunia di ujung Taman Nasional Alas Purwo.",
      Fate.CERTIFIED, manager="Balai Taman Nasional Alas Purwo", fill=0.25),
    P("Pantai Grajagan", "destination", "3510032001", "-8.616600", "114.227000", 500, 180, "06.00-18.00",
      "Desa Grajagan, Kec. Purwoharjo", "Teluk nelayan dengan tebing karang dan perahu sewaan ke Plengkung.",
      Fate.CERTIFIED, manager="Pokdarwis Grajagan", fill=0.2),
    P("Pantai Pulau Santen", "destination", "3510161007", "-8.233000", "114.386000", 400, 120, "06.00-18.00",
      "Kel. Karangrejo, Kec. Banyuwangi", "Pantai kota dengan hutan cemara laut dan pemandangan Bali.",
      Fate.CERTIFIED, manager="Pokdarwis Pulau Santen", fill=0.3),
    P("Air Terjun Jagir", "destination", "3510152012", "-8.164000", "114.264000", 300, 120, "07.00-17.00",
      "Dusun Kampunganyar, Desa Kampunganyar, Kec. Glagah",
      "Air terjun kembar di lereng Ijen, sepuluh menit berjalan kaki dari parkir.",
      Fate.SCHEDULED, manager="Pokdarwis Jagir"),
    # Hotels.
    P("Hotel Blambangan Asri", "hotel", "3510161008", "-8.212500", "114.374500", 180, 1440, "24 jam",
      "Jl. Dr. Wahidin 12, Kel. Kepatihan, Kec. Banyuwangi", "Hotel 60 kamar di pusat kota, dekat Taman Blambangan.",
      Fate.CERTIFIED, owner="blambangan", fill=0.55),
    P("Hotel Selat Bali Ketapang", "hotel", "3510212003", "-8.100500", "114.395000", 240, 1440, "24 jam",
      "Jl. Gatot Subroto, Desa Ketapang, Kec. Kalipuro", "Hotel tepi Selat Bali, lima menit dari Pelabuhan Ketapang.",
      Fate.CERTIFIED, owner="blambangan", fill=0.4),
    P("Hotel Sritanjung Genteng", "hotel", "3510092002", "-8.356000", "114.164000", 120, 1440, "24 jam",
      "Jl. Raya Genteng 88, Desa Genteng Wetan, Kec. Genteng", "Hotel bisnis di kota Genteng.",
      Fate.CONDITIONAL, owner="blambangan", fill=0.3,
      extra={"conditions": "Sediakan tempat cuci tangan dengan sabun di setiap lantai dan pasang denah jalur evakuasi "
                           "di setiap kamar."}),
    P("Resort Lereng Ijen", "hotel", "3510242008", "-8.130000", "114.245000", 90, 2880, "24 jam",
      "Jl. Raya Jambu, Desa Tamansari, Kec. Licin", "Resort di kaki Ijen, titik berangkat pendakian dini hari.",
      Fate.CERTIFIED, owner="blambangan", fill=0.7),
    # Homestays.
    P("Homestay Omah Osing Kemiren", "homestay", "3510152004", "-8.201000", "114.317000", 12, 1440, "24 jam",
      "Jl. Barong, Desa Kemiren, Kec. Glagah", "Rumah adat Osing dengan sarapan pecel pitik.",
      Fate.CERTIFIED, owner="osing", fill=1.0),
    P("Homestay Pulau Merah Surf", "homestay", "3510012004", "-8.600000", "114.030000", 16, 2880, "24 jam",
      "Dusun Pancer, Desa Sumberagung, Kec. Pesanggaran", "Kamar sederhana dan sewa papan selancar.",
      Fate.CERTIFIED, owner="osing", fill=0.5),
    P("Homestay Kopi Gombengsari", "homestay", "3510211006", "-8.115000", "114.312000", 10, 1440, "24 jam",
      "Lingkungan Lerek, Kel. Gombengsari, Kec. Kalipuro", "Menginap di kebun kopi rakyat; kelas sangrai kopi.",
      Fate.APPLIED, owner="osing"),
    P("Homestay Lereng Ijen Licin", "homestay", "3510242003", "-8.188000", "114.270000", 14, 1440, "24 jam",
      "Desa Licin, Kec. Licin", "Homestay keluarga dengan antar-jemput ke Paltuding.",
      Fate.CERTIFIED, owner="osing", fill=0.6),
    P("Homestay Tepi Pantai Grajagan", "homestay", "3510032001", "-8.610000", "114.229000", 8, 1440, "24 jam",
      "Desa Grajagan, Kec. Purwoharjo", "Dua kamar di rumah nelayan.",
      Fate.REJECTED, owner="osing",
      extra={"reasons": "Tidak ada tempat cuci tangan, kamar mandi tamu tanpa ventilasi dan tidak ada alat pemadam "
                        "kebakaran. Ajukan inspeksi ulang setelah diperbaiki."}),
    # Cafés.
    P("Kedai Kopi Jaran Goyang", "cafe", "3510152004", "-8.203500", "114.319500", 40, 90, "08.00-22.00",
      "Jl. Raya Kemiren, Desa Kemiren, Kec. Glagah", "Kopi Osing disangrai di tungku kayu.",
      Fate.CERTIFIED, owner="osing", fill=0.5),
    P("Kafe Gandrung Taman Blambangan", "cafe", "3510161008", "-8.214000", "114.370000", 60, 90, "10.00-23.00",
      "Jl. Veteran 3, Kel. Kepatihan, Kec. Banyuwangi", "Kafe dengan panggung musik akustik di akhir pekan.",
      Fate.REPORTED, owner="osing", fill=0.65,
      extra={"what": "Malam Minggu pukul 21.00 pengunjung berdesakan di depan panggung, lebih dari 60 orang, tanpa "
                     "jarak dan petugas tidak menegur."}),
    P("Kafe Pelabuhan Boom", "cafe", "3510161013", "-8.207500", "114.382000", 50, 90, "09.00-22.00",
      "Kawasan Marina Boom, Kel. Kampungmandar, Kec. Banyuwangi", "Kafe tepi marina.",
      Fate.SUSPENDED, owner="osing",
      extra={"what": "Tempat cuci tangan di pintu masuk rusak dan tidak ada sabun selama tiga hari.",
             "outcome": "Terbukti saat inspeksi mendadak: tempat cuci tangan rusak. Sertifikat dibekukan sampai "
                        "diperbaiki dan diperiksa ulang."}),
    P("Kopi Lego Songgon", "cafe", "3510192001", "-8.234000", "114.209000", 30, 90, "08.00-21.00",
      "Desa Songgon, Kec. Songgon", "Kedai kopi di tepi sawah lereng Raung.",
      Fate.INSPECTING, owner="osing"),
    # Restaurants.
    P("Rumah Makan Pecel Pitik Bu Ti", "restaurant", "3510152006", "-8.213000", "114.309000", 80, 75, "09.00-21.00",
      "Jl. Raya Glagah, Desa Glagah, Kec. Glagah", "Pecel pitik dan kopi Osing, masakan adat Kemiren.",
      Fate.CERTIFIED, owner="blambangan", fill=0.45),
    P("Restoran Seafood Muncar", "restaurant", "3510052002", "-8.442000", "114.335000", 120, 90, "10.00-22.00",
      "Jl. Pelabuhan Muncar, Desa Kedungrejo, Kec. Muncar", "Ikan bakar dari pelabuhan ikan terbesar di Jawa Timur.",
      Fate.CONDITIONAL, owner="blambangan", fill=0.35,
      extra={"conditions": "Pisahkan tempat sampah organik dan anorganik serta pasang sabun di wastafel dapur."}),
    P("Rumah Makan Sego Tempong Mbok Nah", "restaurant", "3510171004", "-8.203000", "114.355000", 60, 60,
      "08.00-20.00", "Jl. Raya Penataban, Kel. Penataban, Kec. Giri", "Sego tempong sambal pedas khas Banyuwangi.",
      Fate.REVOKED, owner="blambangan",
      extra={"what": "Karyawan dapur tidak memakai masker dan sarung tangan; piring dicuci tanpa sabun di ember.",
             "outcome": "Terbukti dua kali dalam inspeksi mendadak dan teguran tertulis diabaikan. Sertifikat "
                        "dicabut."}),
    P("Restoran Rujak Soto Genteng", "restaurant", "3510092003", "-8.355000", "114.150000", 70, 60, "09.00-21.00",
      "Jl. Gajah Mada, Desa Genteng Kulon, Kec. Genteng", "Rujak soto dan pecel rawon.",
      Fate.CERTIFIED, owner="blambangan", fill=0.4),
    # Warung rakyat.
    P("Warung Rujak Soto Mbak Sum", "warung", "3510161002", "-8.243000", "114.370000", 25, 45, "07.00-16.00",
      "Jl. Adi Sucipto, Kel. Sobo, Kec. Banyuwangi", "Rujak soto dan es dawet.",
      Fate.CERTIFIED, owner="osing", fill=0.4),
    P("Warung Nasi Tempong Gandrung", "warung", "3510171002", "-8.203500", "114.342000", 20, 45, "10.00-22.00",
      "Jl. Boyolangu, Kel. Boyolangu, Kec. Giri", "Nasi tempong dengan lalapan dan ikan asin.",
      Fate.CERTIFIED, owner="osing", fill=0.5),
)  # fmt: skip
ISSUED = {Fate.CERTIFIED, Fate.CONDITIONAL, Fate.SUSPENDED, Fate.REVOKED, Fate.REPORTED}
TOURIST_CONTACT = "081234569999"


@dataclass
class Outcome:
    """What a run did (and the owners' passwords, new on every run like demo_logins')."""

    places_made: int = 0
    certificates_signed: int = 0
    visits_made: int = 0
    owners: list[tuple[str, str, str]] = field(default_factory=list)  # (username, password, description)
    key_issued: bool = False
    counts: dict[str, int] = field(default_factory=dict)


class DemoError(Exception):
    """Something the demo needs is missing (in words, for the command to print)."""


def agency_officer():
    """demo_logins' tourism agency login, with a name for its certificate if it has none."""
    user = get_user_model().objects.filter(username=AGENCY_USERNAME).first()
    if user is None or tourism_agency(user).nothing:
        raise DemoError(f"No tourism agency login {AGENCY_USERNAME!r}: run `smartkampung demo_logins` first.")
    if not user.get_full_name():
        user.first_name, user.last_name = AGENCY_NAME
        user.save(update_fields=["first_name", "last_name"])
    return user


def ensure_agency_key(officer) -> bool:
    """The officer's signing key of the demo authority (demo_letters'; made here when there is no authority at
    all). Returns whether a new key was issued. Another authority in use (a real one) is never replaced."""
    authority = keys.active_authority()
    if authority is None:
        authority, _made = _people.ensure_authority(
            name=f"Smartkampung {keys.regency_name()} Demo Root CA", passphrase=DEMO_CA_PASSPHRASE
        )
    try:
        pki.check_passphrase(authority.key_pem.encode(), DEMO_CA_PASSPHRASE)
    except (signing.WrongPassphrase, pki.BadCertificateFile) as error:
        raise DemoError(
            "The certificate authority in use is not the demo one: give the tourism agency a key with "
            f"`smartkampung signing_certificate --username {officer.get_username()}`."
        ) from error
    key = keys.active_key(officer)
    if key is not None and _opens(key, authority):
        return False
    keys.issue_signing_key(
        user=officer,
        ca_passphrase=DEMO_CA_PASSPHRASE,
        passphrase=DEMO_SIGNING_PASSPHRASE,
        position_title=f"{AGENCY_TITLE} Kabupaten {keys.regency_name()}",
    )
    return True


def _opens(key: SigningKey, authority) -> bool:
    """Whether `key` is an unexpired key of `authority` that the demo signing passphrase opens."""
    if key.kind != SigningKey.Kind.LOCAL or not key.key_pem or key.not_after <= timezone.now():
        return False
    certificate = x509.load_pem_x509_certificate(key.certificate_pem.encode())
    root = x509.load_pem_x509_certificate(authority.certificate_pem.encode())
    try:
        certificate.verify_directly_issued_by(root)
        pki.check_passphrase(key.key_pem.encode(), DEMO_SIGNING_PASSPHRASE)
    except (ValueError, TypeError, x509.InvalidSignature, signing.WrongPassphrase, pki.BadCertificateFile):
        return False
    return True


def owner_accounts() -> tuple[dict, list[tuple[str, str, str]]]:
    """The owners' accounts (made if missing) with new passwords, as demo_logins does with its logins."""
    user_model = get_user_model()
    accounts, printed = {}, []
    for key, (username, full_name, _phone) in OWNERS.items():
        user, _created = user_model.objects.get_or_create(username=username)
        if not user.get_full_name():
            user.first_name, _space, user.last_name = full_name.partition(" ")
        password = "demo-" + secrets.token_urlsafe(9)
        user.set_password(password)
        user.save()
        accounts[key] = user
        mine = [p for p in PLACES if p.owner == key]
        printed.append(
            (username, password, f"Owner of {len(mine)} places ({', '.join(sorted({p.kind for p in mine}))})")
        )
    return accounts, printed


def _values(spec: DemoPlace) -> dict:
    owner = OWNERS.get(spec.owner)
    return {
        "kind": spec.kind,
        "name": spec.name,
        "description": spec.description,
        "owner_name": owner[1] if owner else spec.manager,
        "contact_phone": owner[2] if owner else spec.phone,
        "village": spec.village,
        "address": spec.address,
        "latitude": spec.latitude,
        "longitude": spec.longitude,
        "opening_hours": spec.hours,
        "capacity": spec.capacity,
        "usual_stay_minutes": spec.stay,
    }


def _results(inspection, spec: DemoPlace, index: int) -> dict[str, str]:
    """The findings of a place's inspection: everything met but for a varied optional item or two; a mandatory
    item not met for a conditional certificate, two for a rejection."""
    items = list(certification.checklist_of(inspection))
    optional = [i for i in items if not i.mandatory]
    mandatory = [i for i in items if i.mandatory]
    results = {item.code: "met" for item in items}
    if optional and index % 3:
        results[optional[index % len(optional)].code] = "not_met"
    if optional and index % 4 == 0:
        results[optional[(index * 7) % len(optional)].code] = "na"
    if spec.fate == Fate.CONDITIONAL and mandatory:
        results[mandatory[0].code] = "not_met"
    if spec.fate == Fate.REJECTED:
        for item in mandatory[:2]:
            results[item.code] = "not_met"
    return results


def _inspect(place, spec: DemoPlace, index: int, *, officer, today: dt.date, partial: bool = False) -> Inspection:
    inspection = certification.schedule_inspection(
        place=place,
        purpose=Inspection.Purpose.INITIAL,
        due_on=today + dt.timedelta(days=(index % 5) + 1) if spec.fate in (Fate.SCHEDULED, Fate.INSPECTING) else today,
        inspector=officer,
        by=officer,
    )
    if spec.fate == Fate.SCHEDULED:
        return inspection
    results = _results(inspection, spec, index)
    items = list(certification.checklist_of(inspection))
    for item in items[: len(items) // 2] if partial else items:
        note = "" if results[item.code] == "met" else "Belum sesuai saat inspeksi."
        certification.record_finding(inspection=inspection, item=item, result=results[item.code], note=note, by=officer)
    if partial:
        return inspection
    if spec.fate == Fate.REJECTED:
        return certification.decide_inspection(
            inspection=inspection, decision=Decision.REJECTED, reasons=spec.extra["reasons"], by=officer, today=today
        )
    conditional = spec.fate == Fate.CONDITIONAL
    return certification.decide_inspection(
        inspection=inspection,
        decision=Decision.CONDITIONAL if conditional else Decision.CERTIFIED,
        conditions=spec.extra.get("conditions", ""),
        deadline=today + dt.timedelta(days=30) if conditional else None,
        passphrase=DEMO_SIGNING_PASSPHRASE,
        by=officer,
        today=today,
    )


def _violations(place, spec: DemoPlace, *, officer) -> None:
    if spec.fate == Fate.REPORTED:  # a tourist's report, waiting for the agency
        violations.report_violation(place_id=place.pk, what=spec.extra["what"], contact=TOURIST_CONTACT)
        return
    action = violations.Action.REVOKE if spec.fate == Fate.REVOKED else violations.Action.SUSPEND
    report = violations.report_violation(
        place_id=place.pk, what=spec.extra["what"], contact=TOURIST_CONTACT if action == "revoke" else "", by=officer
    )
    violations.start_investigation(violation=report, by=officer)
    violations.uphold_violation(violation=report, outcome=spec.extra["outcome"], action=action, by=officer)


def make_place(spec: DemoPlace, index: int, *, officer, owners: dict, today: dt.date) -> Place:
    """One demo place through the services, taken as far as its fate says."""
    if spec.owner:  # the owner applies online
        place = place_services.apply_for_place(by=owners[spec.owner], values=_values(spec), photos=[])
    else:  # the agency registers the destination for its manager
        place, _account, _password = place_services.register_place(by=officer, values=_values(spec), photos=[])
    if spec.fate == Fate.APPLIED:
        return place
    _inspect(place, spec, index, officer=officer, today=today, partial=spec.fate == Fate.INSPECTING)
    if spec.fate in (Fate.SUSPENDED, Fate.REVOKED, Fate.REPORTED):
        _violations(place, spec, officer=officer)
    return place


def _party_sizes(rng: random.Random, people: int, most: int) -> list[int]:
    sizes = []
    while people > 0:
        size = min(people, rng.randint(1, most))
        sizes.append(size)
        people -= size
    return sizes


def add_visitors(places: list[tuple[Place, DemoPlace]], *, officer, owners: dict, seed: int = 17) -> int:
    """Parties inside the certified places now: checked in by scanning the place's current code (staggered over
    the last part of the usual stay) or, at the destinations' gates, counted at the door. Returns the visits."""
    rng = random.Random(seed)  # noqa: S311 - demonstration data
    now = timezone.now()
    made = 0
    for place, spec in places:
        if not capacity.accepts_checkins(place, now=now):
            continue
        people = min(place.capacity, round(place.capacity * spec.fill))
        door = spec.kind == "destination"
        for size in _party_sizes(rng, people, capacity.MAX_DOOR_PARTY if door else 4):
            # Arrived some time ago, still within the stay (and within the code's window of that moment).
            ago = dt.timedelta(minutes=rng.randint(0, max(1, min(place.usual_stay_minutes // 2, 600))))
            at = now - ago
            try:
                if door:
                    counter = owners.get(spec.owner) or officer
                    capacity.count_at_door(place=place, direction="in", party=size, user=counter, now=at)
                else:
                    code = codes.current_code(place, now=at)
                    capacity.check_in_visitor(place=place, code=code, party=size, now=at)
            except Refused:
                # Full at that moment (visits of an earlier run that ended since still counted then): enough.
                break
            made += 1
    return made


def demo_places() -> list[tuple[Place, DemoPlace]]:
    by_name = {p.name: p for p in Place.objects.filter(name__in=[s.name for s in PLACES])}
    return [(by_name[s.name], s) for s in PLACES if s.name in by_name]


def occupancy_now(places: list[Place]) -> int:
    return open_visits().filter(place__in=places).aggregate(people=Sum("party"))["people"] or 0


def seed_demo_tourism() -> Outcome:
    """Everything above, in one transaction (all of it or nothing)."""
    outcome = Outcome()
    with transaction.atomic():
        officer = agency_officer()
        outcome.key_issued = ensure_agency_key(officer)
        owners, outcome.owners = owner_accounts()
        today = timezone.localdate()
        existing = set(Place.objects.filter(name__in=[s.name for s in PLACES]).values_list("name", flat=True))
        signed_before = Certificate.objects.count()
        for index, spec in enumerate(PLACES):
            if spec.name in existing:
                continue
            make_place(spec, index, officer=officer, owners=owners, today=today)
            outcome.places_made += 1
        outcome.certificates_signed = Certificate.objects.count() - signed_before
        mine = demo_places()
        if occupancy_now([place for place, _spec in mine]) == 0:
            outcome.visits_made = add_visitors(mine, officer=officer, owners=owners)
        outcome.counts = summary([place for place, _spec in mine])
    return outcome


def summary(places: list[Place]) -> dict[str, int]:
    """The demo places by where they stand, and the people inside them now."""
    ids = [p.pk for p in places]
    in_force = Certificate.objects.filter(place_id__in=ids)
    return {
        "places": len(ids),
        "certified": in_force.filter(status=Certificate.Status.VALID, valid_until__gte=timezone.localdate()).count(),
        "conditional": in_force.filter(status=Certificate.Status.VALID, conditional=True).count(),
        "waiting": Place.objects.filter(pk__in=ids, status=Place.Status.APPLIED).count(),
        "suspended": in_force.filter(status=Certificate.Status.SUSPENDED).count(),
        "revoked": in_force.filter(status=Certificate.Status.REVOKED).count(),
        "violations_open": Violation.objects.filter(place_id__in=ids, status=Violation.Status.OPEN).count(),
        "inside": occupancy_now(places),
    }

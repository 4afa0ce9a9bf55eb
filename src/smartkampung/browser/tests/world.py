"""A small regency with what a working day leaves on the pages: residents, a person of each role, travellers
registered at Pos Pantau Ketapang for Bakungan (some followed up), an isolation case, isolation houses with a
reserved bed, and a resident listed twice for aid. Made through the services, as the product makes them."""

import datetime as dt

from django.contrib.auth import get_user_model
from django.utils import timezone

from smartkampung.accounts.models import Role
from smartkampung.accounts.tests.factories import give_role
from smartkampung.aid.tests.fixtures import make_double_listing
from smartkampung.checkpoints.models import Checkpoint
from smartkampung.checkpoints.services import register_arrival, seed_demo_checkpoints
from smartkampung.checkpoints.tests.fixtures import RESIDENT_KK, RESIDENT_NIK, arrival, make_resident
from smartkampung.health.tests.fixtures import open_case
from smartkampung.isolation.demo import seed_demo_houses
from smartkampung.isolation.models import IsolationHouse
from smartkampung.isolation.services import reserve_bed
from smartkampung.letters.tests.officials import PASSPHRASE, chain
from smartkampung.notifications.models import Notification
from smartkampung.notifications.services import acknowledge_notification, dispatch_batch
from smartkampung.population.demo.generator import generate_households
from smartkampung.population.demo.writers import write_to_database

BAKUNGAN, GLAGAH = "3510151002", "351015"
PASSWORD = "Rahasia-Browser-2026"  # every account of these tests
LETTER_PASSPHRASE = PASSPHRASE  # of every letter official's signing key (letter_officials)

# username: (role, place) — one person for each role, in Bakungan (Kec. Glagah) where a role has a place.
PEOPLE = {
    "admin.pemkab": (Role.REGENCY_ADMIN, {}),
    "dinkes": (Role.HEALTH_AGENCY, {}),
    "dinsos": (Role.SOCIAL_AGENCY, {}),
    "dispar": (Role.TOURISM_AGENCY, {}),
    "camat.glagah": (Role.DISTRICT_STAFF, {"district": GLAGAH}),
    "operator.bakungan": (Role.VILLAGE_OPERATOR, {"village": BAKUNGAN}),
    "babinsa.bakungan": (Role.VILLAGE_OVERSIGHT, {"village": BAKUNGAN}),
    "petugas.ketapang": (Role.CHECKPOINT_OFFICER, {}),
    "puskesmas.paspan": (Role.PUSKESMAS_STAFF, {"village": BAKUNGAN}),
}

# Travellers for Bakungan: (NIK, name, origin regency, temperature, symptoms). Kota Denpasar, Kab. Jember, Kota
# Surabaya, Kab. Badung, Kota Malang; one with fever (monitored, an isolation case opens).
TRAVELLERS = [
    ("5171011708900003", "I Made Suardana", "5171", "36.6", []),
    ("3509014203880004", "Siti Aminah", "3509", "36.5", []),
    ("3578011505800005", "Bambang Hariadi Wicaksono", "3578", "36.8", ["headache"]),
    ("5103012212750006", "Ni Luh Putu Ari Wulandari", "5103", "38.3", ["cough"]),
    ("3573010101990007", "Agus Setiawan", "3573", "36.4", []),
    ("3509015606920008", "Dewi Lestari", "3509", "37.0", []),
]


def person(username: str):
    """A signed-in-able account holding the role PEOPLE gives it (the password is PASSWORD)."""
    role, place = PEOPLE[username]
    user = get_user_model().objects.create_user(username, password=PASSWORD)
    if role == Role.REGENCY_ADMIN:  # as `smartkampung demo_logins` makes the administrator
        user.is_staff = user.is_superuser = True
        user.save(update_fields=["is_staff", "is_superuser"])
    give_role(user, role, **place)
    return user


def resident_of_bakungan():
    """Warsidi of Bakungan (NIK RESIDENT_NIK, KK RESIDENT_KK): a returning resident with a phone."""
    return make_resident()


def letter_officials(*, camat: bool = False) -> dict:
    """The signers of Bakungan's letters, by position: its operator, secretary and head (and, with `camat`, the
    camat of Glagah), each signing in with PASSWORD and holding a LOCAL signing key of the letters tests' authority
    (stored as a CertificateAuthority, so the deployment trusts it) unlocked by LETTER_PASSPHRASE. Their usernames
    are "<position>.3510151002" ("camat.3510151002" for the camat)."""
    people = chain(BAKUNGAN, camat=camat)
    for user in people.values():
        user.set_password(PASSWORD)
        user.save(update_fields=["password"])
    return people


def dispatch_all() -> None:
    """Number and announce what the outbox holds, as the dispatcher does."""
    while dispatch_batch() is not None:
        pass


def build_world(*, residents: int = 300) -> dict:
    people = {username: person(username) for username in PEOPLE}
    write_to_database(generate_households(residents=residents, seed=14, regency_code="3510"))
    warsidi = resident_of_bakungan()
    seed_demo_checkpoints()
    ketapang = Checkpoint.objects.get(code="ketapang")
    for nik, name, origin, temperature, symptoms in TRAVELLERS:
        register_arrival(
            user=people["petugas.ketapang"],
            checkpoint=ketapang,
            values=arrival(nik=nik, name=name, origin_regency=origin, temperature=temperature, symptoms=symptoms),
        )
    open_case(people["puskesmas.paspan"], name="Sutrisno Hadi Kusumo", days_ago=3)
    seed_demo_houses(regency_code="3510", total=300, seed=1)
    house = IsolationHouse.objects.filter(village_id=BAKUNGAN, is_central=False).order_by("pk").first()
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    reservation = reserve_bed(
        house_id=house.pk,
        values={"nik": RESIDENT_NIK, "kk_number": RESIDENT_KK, "phone": "081234567890", "expected_arrival": tomorrow},
    )
    conflict = make_double_listing(BAKUNGAN)
    dispatch_all()
    # The first half of the arrivals followed up by the operator: cards with who followed up, and when.
    arrivals = Notification.objects.filter(village_id=BAKUNGAN, kind="arrival").order_by("pk")
    for notification in arrivals[: len(TRAVELLERS) // 2]:
        acknowledge_notification(user=people["operator.bakungan"], notification=notification)
    return {"people": people, "warsidi": warsidi, "house": house, "reservation": reservation, "conflict": conflict}

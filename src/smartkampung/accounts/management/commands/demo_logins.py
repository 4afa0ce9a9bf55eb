import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.text import slugify

from smartkampung.accounts.models import Pillar, Role, RoleAssignment
from smartkampung.accounts.services import assign_role
from smartkampung.regions.models import Puskesmas, Regency, Village

# (username, role, kecamatan, village, pillar, description); the Puskesmas and checkpoint logins
# are bound to PLACES below. Two operators in two villages of
# two kecamatan, so that scoping can be seen; the camat's kecamatan holds one of them.
DEMO_USERS = [
    ("admin.pemkab", Role.REGENCY_ADMIN, None, None, "", "Regency administrator: everything of the regency"),
    (
        "dinkes",
        Role.HEALTH_AGENCY,
        None,
        None,
        "",
        "Dinas Kesehatan: entry rules; arrivals and notifications regency-wide",
    ),
    ("dinsos", Role.SOCIAL_AGENCY, None, None, "", "Dinas Sosial: aid lists, matches and conflicts"),
    ("dispar", Role.TOURISM_AGENCY, None, None, "", "Dinas Pariwisata: visitor figures (arrival counts, regency-wide)"),
    ("camat.glagah", Role.DISTRICT_STAFF, "351015", None, "", "Camat of Glagah: kecamatan Glagah"),
    ("operator.bakungan", Role.VILLAGE_OPERATOR, None, "3510151002", "", "Operator of Bakungan (Glagah)"),
    ("operator.sarongan", Role.VILLAGE_OPERATOR, None, "3510012001", "", "Operator of Sarongan (Pesanggaran)"),
    ("babinsa.bakungan", Role.VILLAGE_OVERSIGHT, None, "3510151002", Pillar.BABINSA, "Babinsa of Bakungan: read-only"),
    ("pospantau.ketapang", Role.CHECKPOINT_OFFICER, None, None, "", "Officer at Pos Pantau Pelabuhan Ketapang"),
    ("puskesmas.paspan", Role.PUSKESMAS_STAFF, None, None, "", "Puskesmas Paspan: the villages it serves (Glagah)"),
]
PLACES = {"pospantau.ketapang": ("checkpoint", "ketapang"), "puskesmas.paspan": ("puskesmas", "Puskesmas Paspan")}
# The province administrator: what the regency administrator does, in every regency served (and Django's admin).
PROVINCE_ADMIN = ("admin.pemprov", "Province administrator: every regency served")
# The regency-wide logins every other served regency gets, by the regency's short name: admin.jember, dinkes.jember …
OTHER_REGENCY_ROLES = (
    ("admin", Role.REGENCY_ADMIN, "Regency administrator of {name}"),
    ("dinkes", Role.HEALTH_AGENCY, "Dinas Kesehatan of {name}"),
    ("dinsos", Role.SOCIAL_AGENCY, "Dinas Sosial of {name}"),
    ("dispar", Role.TOURISM_AGENCY, "Dinas Pariwisata of {name}"),
)


class Command(BaseCommand):
    help = "Create (or reset) one demo login per role and print them. For demonstration databases only."

    @transaction.atomic
    def handle(self, *args, **options):
        User = get_user_model()
        # The checkpoints module (above accounts) makes its demo posts; the officer's is found by its code.
        call_command("demo_checkpoints", stdout=self.stdout)
        checkpoints = RoleAssignment._meta.get_field("checkpoint").related_model.objects
        if not Puskesmas.objects.exists():
            raise CommandError("No Puskesmas are in the database: run `smartkampung load_regions` first.")
        self.stdout.write("\nDemo logins (passwords are new on every run):")
        # A superuser sees every regency: the regency administrator is one only where the deployment serves one.
        one_regency = len(settings.SMARTKAMPUNG_REGENCIES) == 1
        for username, role, district, village, pillar, description in DEMO_USERS:
            password = "demo-" + secrets.token_urlsafe(9)
            user, _created = User.objects.get_or_create(username=username)
            user.is_staff = user.is_superuser = role == Role.REGENCY_ADMIN and one_regency
            user.set_password(password)
            user.save()
            place = {}
            if username in PLACES:
                kind, key = PLACES[username]
                place = (
                    {"checkpoint_id": checkpoints.get(code=key).pk}
                    if kind == "checkpoint"
                    else {"puskesmas_id": Puskesmas.objects.get(name=key).pk}
                )
            RoleAssignment.objects.filter(user=user).exclude(role=role).delete()
            assign_role(user=user, role=role, district_code=district, village_code=village, pillar=pillar, **place)
            self.stdout.write(f"  {username:<20} {password:<20} {description}")
        for username, role, district, village, description in _other_regencies():
            self._login(username, description, role=role, district_code=district, village_code=village)
        for username, role, regency, description in _regency_wide_elsewhere():
            self._login(username, description, role=role, regency_code=regency)
        username, description = PROVINCE_ADMIN
        self._login(username, description, role=Role.PROVINCE_ADMIN, superuser=True)
        self.stdout.write("")

    def _login(self, username: str, description: str, *, role: str, superuser: bool = False, **place) -> None:
        """One login (made, or given a new password) holding only `role` at `place`; printed."""
        password = "demo-" + secrets.token_urlsafe(9)
        user, _created = get_user_model().objects.get_or_create(username=username)
        user.is_staff = user.is_superuser = superuser
        user.set_password(password)
        user.save()
        RoleAssignment.objects.filter(user=user).exclude(role=role).delete()
        assign_role(user=user, role=role, **place)
        self.stdout.write(f"  {username:<20} {password:<20} {description}")


def _regency_wide_elsewhere() -> list[tuple[str, str, str, str]]:
    """A province on one database: in every served regency but the first, its administrator and its agencies
    (username from the regency's name: dinkes.jember; a city keeps its word: dinkes.kota-malang)."""
    names = dict(Regency.objects.filter(code__in=settings.SMARTKAMPUNG_REGENCIES).values_list("code", "name"))
    logins = []
    for code in settings.SMARTKAMPUNG_REGENCIES[1:]:
        name = names.get(code, code)
        short = slugify(name.removeprefix("Kabupaten ")) or code
        logins += [
            (f"{prefix}.{short}", role, code, words.format(name=name)) for prefix, role, words in OTHER_REGENCY_ROLES
        ]
    return logins


def _other_regencies() -> list[tuple[str, str, str | None, str | None, str]]:
    """A province on one database: in every served regency but the first, the operator of its first village
    and the camat of that village's kecamatan (username from the place's name: operator.padomasan)."""
    logins = []
    for code in settings.SMARTKAMPUNG_REGENCIES[1:]:
        village = Village.objects.filter(district__regency_id=code).select_related("district").order_by("code").first()
        if village is None:
            raise CommandError(f"No villages of regency {code} are in the database: run `smartkampung load_regions`.")
        place, district = slugify(village.name), slugify(village.district.name)
        logins += [
            (f"camat.{district}", Role.DISTRICT_STAFF, village.district_id, None, f"Camat of {village.district.name}"),
            (f"operator.{place}", Role.VILLAGE_OPERATOR, None, village.code, f"Operator of {village.name} ({code})"),
        ]
    return logins

import json
import random
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from smartkampung.ktp import synthetic
from smartkampung.population.models import Resident, ResidentStatus


class Command(BaseCommand):
    help = (
        "Write synthetic e-KTP cards: for each, the flat card (PNG, to show on a screen or print and photograph "
        "with a phone), a simulated phone photo of it (JPEG) and, in truth.json, what a reader should read. "
        "Made-up people by default; --from-register draws living residents of the register. Never real photos."
    )

    def add_arguments(self, parser):
        parser.add_argument("--out", required=True, help="the folder to write into (made if missing)")
        parser.add_argument("--count", type=int, default=10, help="how many cards (default 10)")
        parser.add_argument(
            "--difficulty", choices=synthetic.DIFFICULTIES, default="easy", help="of the simulated photos"
        )
        parser.add_argument("--seed", type=int, default=1, help="the same seed writes the same files")
        parser.add_argument("--from-register", action="store_true", help="cards of living residents on the register")

    def handle(self, *args, out: str, count: int, difficulty: str, seed: int, from_register: bool, **options):
        if not 1 <= count <= 10_000:
            raise CommandError("--count must be between 1 and 10000.")
        folder = Path(out)
        if folder.exists() and not folder.is_dir():
            raise CommandError(f"{folder} exists and is not a folder.")
        rng = random.Random(seed)
        people = self._residents(rng, count) if from_register else [synthetic.make_person(rng) for _ in range(count)]
        folder.mkdir(parents=True, exist_ok=True)
        truths = []
        for number, person in enumerate(people, start=1):
            stem = f"ktp-{number:04d}"
            card = synthetic.draw_card(person)
            card.save(folder / f"{stem}.png", dpi=(300, 300))  # printed at 300 dpi: 85.6 x 54 mm
            (folder / f"{stem}.jpg").write_bytes(synthetic.photograph(card, rng=rng, difficulty=difficulty))
            truths.append(
                {"card": f"{stem}.png", "photo": f"{stem}.jpg", "difficulty": difficulty, **synthetic.truth_of(person)}
            )
        (folder / "truth.json").write_text(json.dumps(truths, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        self.stdout.write(f"{len(truths)} cards in {folder.resolve()} (PNG: the flat card; JPEG: a simulated photo)")
        self.stdout.write(f"Truth:  {(folder / 'truth.json').resolve()}")

    def _residents(self, rng: random.Random, count: int) -> list[dict]:
        """`count` living residents chosen at random (by the seed), each a card."""
        living = Resident.objects.filter(status=ResidentStatus.LIVING).order_by("id")
        total = living.count()
        if total == 0:
            raise CommandError(
                "No living residents are on the register: import some, or run `smartkampung demo`, "
                "or leave out --from-register for made-up people."
            )
        picks = sorted(rng.sample(range(total), min(count, total)))
        related = living.select_related("household", "village__district__regency__province")
        return [synthetic.person_from_resident(related[index]) for index in picks]

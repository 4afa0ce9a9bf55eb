import json

from django.core.management.base import BaseCommand, CommandError

BENCHMARKS = ("population",)


class Command(BaseCommand):
    help = "Run a benchmark against the configured database; the last line printed is one JSON object."

    def add_arguments(self, parser):
        parser.add_argument("name", choices=BENCHMARKS)
        parser.add_argument("--residents", type=int, default=1_740_000)
        parser.add_argument("--import-rows", type=int, default=100_000)
        parser.add_argument("--samples", type=int, default=2000)
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args, name: str, residents: int, import_rows: int, samples: int, seed: int, **options):
        if min(residents, import_rows, samples) < 1:
            raise CommandError("--residents, --import-rows and --samples must be positive.")
        from smartkampung.bench import population

        result = population.run(residents=residents, import_rows=import_rows, samples=samples, seed=seed)
        self.stdout.write(json.dumps(result))

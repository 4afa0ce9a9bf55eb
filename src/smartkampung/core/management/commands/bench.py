import json

from django.core.management.base import BaseCommand, CommandError

BENCHMARKS = ("population", "checkpoint", "isolation", "aid", "letters", "ktp", "tourism")


class Command(BaseCommand):
    help = "Run a benchmark against the configured database; the last line printed is one JSON object."

    def add_arguments(self, parser):
        parser.add_argument("name", choices=BENCHMARKS)
        parser.add_argument("--residents", type=int, default=1_740_000)
        parser.add_argument("--import-rows", type=int, default=100_000)
        parser.add_argument("--samples", type=int, default=2000)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--registrations", type=int, default=5000, help="checkpoint: how many travellers")
        parser.add_argument("--clients", type=int, default=32, help="checkpoint: concurrent API clients")
        parser.add_argument("--port", type=int, default=8765, help="checkpoint: the server's port")
        parser.add_argument("--workers", type=int, default=2, help="checkpoint: uvicorn worker processes")
        parser.add_argument("--wait", type=float, default=15, help="checkpoint: seconds to wait for late events")
        parser.add_argument("--rate", type=float, default=100, help="checkpoint: registrations/s of the paced phase")
        parser.add_argument("--paced-seconds", type=float, default=20, help="checkpoint: length of the paced phase")
        parser.add_argument("--cpu-samples", type=int, default=1000, help="checkpoint: registrations timed in-process")
        parser.add_argument("--cases", type=int, default=100_000, help="isolation: cases in the database")
        parser.add_argument("--reservations", type=int, default=2000, help="isolation: concurrent reservations")
        parser.add_argument("--letters", type=int, default=100, help="letters: letters issued one after another")
        parser.add_argument("--issuers", type=int, default=4, help="letters: threads issuing letters at once")
        parser.add_argument("--cards", type=int, default=200, help="ktp: photos of the easy set")
        parser.add_argument("--hard", type=int, default=100, help="ktp: photos of the hard set")
        parser.add_argument("--places", type=int, default=5000, help="tourism: listed places in the database")
        parser.add_argument("--checkins", type=int, default=3000, help="tourism: check-ins sent through the API")
        parser.add_argument("--backend", help="aid: the linkage backend, duckdb or spark (default AID_LINKAGE_BACKEND)")

    def handle(self, *args, name: str, residents: int, import_rows: int, samples: int, seed: int, **options):
        if name == "checkpoint":
            from smartkampung.bench import checkpoint

            if min(options["registrations"], options["clients"], options["workers"]) < 1:
                raise CommandError("--registrations, --clients and --workers must be positive.")
            result = checkpoint.run(
                registrations=options["registrations"],
                clients=options["clients"],
                port=options["port"],
                workers=options["workers"],
                seed=seed,
                wait=options["wait"],
                rate=max(0.0, options["rate"]),
                paced_seconds=max(0.0, options["paced_seconds"]),
                cpu_samples=max(0, options["cpu_samples"]),
            )
            self.stdout.write(json.dumps(result))
            return
        if name == "isolation":
            from smartkampung.bench import isolation

            if min(residents, options["cases"], options["reservations"], options["clients"], samples) < 1:
                raise CommandError("--residents, --cases, --reservations, --clients and --samples must be positive.")
            result = isolation.run(
                residents=residents,
                cases=options["cases"],
                reservations=options["reservations"],
                clients=options["clients"],
                samples=samples,
                port=options["port"],
                seed=seed,
            )
            self.stdout.write(json.dumps(result))
            return
        if name == "tourism":
            from smartkampung.bench import tourism

            if min(options["places"], options["checkins"], options["clients"], options["workers"]) < 1:
                raise CommandError("--places, --checkins, --clients and --workers must be positive.")
            if options["places"] < tourism.SMALL_PLACES + tourism.ROOMY_PLACES + 1:
                raise CommandError(f"--places must be at least {tourism.SMALL_PLACES + tourism.ROOMY_PLACES + 1}.")
            result = tourism.run(
                places=options["places"],
                checkins=options["checkins"],
                clients=options["clients"],
                port=options["port"],
                workers=options["workers"],
                seed=seed,
            )
            self.stdout.write(json.dumps(result))
            return
        if name == "letters":
            from smartkampung.bench import letters

            if min(options["letters"], options["issuers"]) < 1:
                raise CommandError("--letters and --issuers must be positive.")
            self.stdout.write(json.dumps(letters.run(letters=options["letters"], issuers=options["issuers"])))
            return
        if name == "ktp":
            from smartkampung.bench import ktp

            if options["cards"] < 1 or options["hard"] < 0:
                raise CommandError("--cards must be positive and --hard not negative.")
            self.stdout.write(json.dumps(ktp.run(cards=options["cards"], hard=options["hard"], seed=seed)))
            return
        if name == "aid":
            from smartkampung.bench import aid

            if residents < 1:
                raise CommandError("--residents must be positive.")
            self.stdout.write(json.dumps(aid.run(residents=residents, seed=seed, backend=options["backend"])))
            return
        if min(residents, import_rows, samples) < 1:
            raise CommandError("--residents, --import-rows and --samples must be positive.")
        from smartkampung.bench import population

        result = population.run(residents=residents, import_rows=import_rows, samples=samples, seed=seed)
        self.stdout.write(json.dumps(result))

"""`smartkampung retention [--dry-run] [--only CODE]`: apply the retention rules now (the worker does it hourly), or
with --dry-run say what they would do. One line per rule: code, what it does, days, cutoff (WIB), rows due / done."""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from smartkampung.core import retention


class Command(BaseCommand):
    help = "Apply the personal-data retention rules (RETENTION_DAYS); --dry-run shows what would be done."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="count what is due, change nothing")
        parser.add_argument("--only", metavar="CODE", help="one rule (its code, e.g. arrivals)")

    def handle(self, *args, dry_run: bool, only: str | None, **options):
        try:
            steps = retention.plan(only=only) if dry_run else retention.run(only=only)
        except KeyError:
            codes = ", ".join(rule.code for rule in retention.rules())
            raise CommandError(f"No retention rule {only!r}; the rules are: {codes}.") from None
        if dry_run:
            self.stdout.write("Dry run: nothing is changed.")
        for step in steps:
            days = f"{step.days} days" if step.cutoff is not None and not step.rule.always else "always"
            if step.cutoff is None:
                days, cutoff = "kept (0 days)", "-"
            else:
                cutoff = timezone.localtime(step.cutoff).strftime("%Y-%m-%d %H:%M WIB")
            counts = f"due {step.due}" if dry_run else f"due {step.due}, done {step.done}"
            self.stdout.write(f"{step.rule.code:<17} {step.rule.what:<10} {days:<14} before {cutoff:<21} {counts}")

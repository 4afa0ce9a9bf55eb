import argparse
import signal

from django.core.management.base import BaseCommand

from smartkampung.notifications.dispatcher import Worker
from smartkampung.notifications.services import DISPATCH_BATCH


class Command(BaseCommand):
    help = (
        "Deliver notifications: number and announce what registrations wrote to the outbox, escalate "
        "what waited too long, send e-mails and webhooks. Several may run; they take turns."
    )

    def add_arguments(self, parser):
        parser.add_argument("--batch", type=int, default=DISPATCH_BATCH, help="notifications per transaction")
        # For tests that kill the worker in the middle of a batch.
        parser.add_argument("--hold-seconds", type=float, default=0.0, help=argparse.SUPPRESS)

    def handle(self, *args, batch: int, hold_seconds: float, **options):
        worker = Worker(batch=batch, hold_seconds=hold_seconds)

        def stop(signum, frame):
            worker.stop.set()
            worker.wake.set()

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        self.stdout.write("notify_worker running", ending="\n")
        self.stdout.flush()
        worker.run()

"""The checkpoint fixtures (shared with other apps' tests through fixtures.py)."""

from smartkampung.checkpoints.tests.fixtures import *  # noqa: F403

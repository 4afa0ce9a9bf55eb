"""Fixtures of the dashboard tests: the checkpoint module's people and places."""

from smartkampung.checkpoints.tests.fixtures import *  # noqa: F403

"""Short codes people read aloud or type from a screen (pre-registrations, bed reservations)."""

import secrets

# No 0/O or 1/I: a code is read aloud at a checkpoint or typed from a phone's screen.
ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def draw_code(length: int = 8) -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(length))

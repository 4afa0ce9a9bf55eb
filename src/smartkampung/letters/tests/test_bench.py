"""`smartkampung bench letters` at a tiny size: it ends with one JSON line holding the figures the issue asks for,
every letter it issued validates, a changed byte is caught, and concurrent issuing leaves the numbers of every
village, type and year exactly 1..n."""

import json

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction

from smartkampung.letters.defaults import load_letter_types
from smartkampung.letters.models import ChainStep, LetterRequest, LetterType

# The bench's issuers are threads with connections of their own: they see only committed rows.
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("regions", "letter_types")]


@pytest.fixture
def letter_types():
    """The types the migration loads (a transactional test before this one flushed them)."""
    load_letter_types(LetterType, ChainStep)


def test_letters_bench_ends_with_one_json_line_and_numbers_without_gaps_or_duplicates(capsys):
    # The test database on SQLite lives in memory, where a second writer fails at once instead of waiting ("table
    # is locked"); a file database waits its turn. The race is real on PostgreSQL.
    issuers = 3 if connection.vendor == "postgresql" else 1
    call_command("bench", "letters", "--letters", "3", "--issuers", str(issuers))

    captured = capsys.readouterr()
    result = json.loads(captured.out.strip().splitlines()[-1])
    for key in (
        "letters",
        "render_ms_p50",
        "sign_ms_p50",
        "full_chain_ms_p50",
        "verify_upload_ms_p50",
        "letters_per_s",
        "numbering_gaps",
        "numbering_duplicates",
    ):
        assert key in result, key
    assert result["letters"] == 3 + max(3, 2 * issuers), result
    assert result["concurrent_failures"] == 0, captured.err[-2000:]
    assert result["chains_invalid"] == 0 and result["verify_not_authentic"] == 0 and result["tamper_missed"] == 0
    assert result["numbering_gaps"] == 0 and result["numbering_duplicates"] == 0 and result["counter_mismatches"] == 0
    signed = LetterRequest.objects.filter(status="signed")
    assert signed.count() == result["letters"] + 1  # and the warm-up letter
    for village in {letter.village_id for letter in signed}:
        sequences = sorted(signed.filter(village_id=village).values_list("sequence", flat=True))
        assert sequences == list(range(1, len(sequences) + 1)), (village, sequences)


def test_the_numbering_check_counts_a_gap_and_the_database_refuses_a_duplicate():
    from smartkampung.bench.letters import numbering_check

    call_command("bench", "letters", "--letters", "2", "--issuers", "1")
    assert numbering_check()["numbering_gaps"] == 0
    first, second = LetterRequest.objects.filter(status="signed").order_by("village_id", "sequence")[:2]

    # The database itself refuses a second letter of the village with the same number (or sequence).
    with pytest.raises(IntegrityError), transaction.atomic():
        LetterRequest.objects.filter(pk=second.pk).update(number=first.number)
    with pytest.raises(IntegrityError), transaction.atomic():
        LetterRequest.objects.filter(pk=second.pk).update(sequence=first.sequence)
    assert numbering_check()["numbering_duplicates"] == 0

    LetterRequest.objects.filter(pk=first.pk).delete()  # number 1 of its village is missing now
    assert numbering_check()["numbering_gaps"] == 1

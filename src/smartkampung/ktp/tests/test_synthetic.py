"""The synthetic e-KTP generator: consistent made-up people, photos that are real JPEGs, the same seed giving
the same bytes, and the command that writes cards to photograph."""

import datetime as dt
import io
import json
import random

import pytest
from django.core.management import CommandError, call_command
from PIL import Image

from smartkampung.ktp import synthetic
from smartkampung.ktp.vocab import FIELDS, MARITAL_STATUSES, OCCUPATIONS, RELIGIONS
from smartkampung.population.tests.factories import make_household, make_resident
from smartkampung.regions.codes import village_rows
from smartkampung.regions.nik import parse_nik


def test_a_made_up_persons_nik_is_valid_and_encodes_their_birth_date_and_sex():
    rng = random.Random(7)
    for _ in range(200):
        person = synthetic.make_person(rng)
        parsed = parse_nik(person["nik"])
        assert parsed.valid, (person["nik"], [e.message for e in parsed.errors])
        assert parsed.birth_date == dt.date.fromisoformat(person["birth_date"])
        assert parsed.sex == person["sex"]
        assert parsed.district_code == person["district_code"]
        assert parsed.district == person["district"]
        assert parsed.regency == person["regency"]


def test_a_made_up_person_lives_in_a_village_of_their_nik_kecamatan_and_uses_the_cards_words():
    rng = random.Random(11)
    for _ in range(200):
        person = synthetic.make_person(rng)
        if person["village_code"]:
            # Villages of every East Java regency are known (regions/data), not only Banyuwangi's.
            villages = {row.code: row for row in village_rows(person["district_code"][:4])}
            village = villages[person["village_code"]]
            assert village.district_code == person["district_code"]
            assert village.name == person["village"]
        assert person["religion"] in RELIGIONS
        assert person["marital_status"] in MARITAL_STATUSES
        assert person["occupation"] in OCCUPATIONS
        assert person["nationality"] == "WNI"
        assert person["name"] == person["name"].upper()
        assert len(person["rt_rw"]) == 7 and person["rt_rw"][3] == "/"


def test_most_made_up_people_are_from_banyuwangi_and_a_kecamatan_can_be_asked_for():
    rng = random.Random(3)
    people = [synthetic.make_person(rng) for _ in range(100)]
    assert 50 < sum(p["nik"].startswith("3510") for p in people) < 100
    assert synthetic.make_person(rng, district_code="351001")["district"] == "Pesanggaran"
    with pytest.raises(ValueError, match="Unknown kecamatan"):
        synthetic.make_person(rng, district_code="999999")


def test_a_sample_is_a_jpeg_photo_of_a_phone_with_the_readings_truth():
    for difficulty in synthetic.DIFFICULTIES:
        jpeg, truth = synthetic.sample(random.Random(1), difficulty=difficulty)
        assert jpeg[:3] == b"\xff\xd8\xff"
        photo = Image.open(io.BytesIO(jpeg))
        assert photo.format == "JPEG"
        assert photo.size in synthetic.PHOTO_SIZES
        assert set(FIELDS) <= set(truth)
        assert {"province", "regency"} <= set(truth)
        assert parse_nik(truth["nik"]).valid
        dt.date.fromisoformat(truth["birth_date"])


def test_the_same_seed_gives_the_same_bytes_and_another_seed_another_photo():
    first, truth = synthetic.sample(random.Random(42), difficulty="hard")
    again, truth_again = synthetic.sample(random.Random(42), difficulty="hard")
    other, _ = synthetic.sample(random.Random(43), difficulty="hard")
    assert first == again and truth == truth_again
    assert other != first


def test_the_flat_card_has_the_size_of_an_e_ktp_and_prints_the_words_of_the_card():
    person = synthetic.make_person(random.Random(5))
    card = synthetic.draw_card(person)
    assert card.size == synthetic.CARD_SIZE
    printed = dict(synthetic.card_fields(person))
    assert printed["Jenis Kelamin"] in ("LAKI-LAKI", "PEREMPUAN")
    assert printed["Agama"] == RELIGIONS[person["religion"]][0]
    birth = dt.date.fromisoformat(person["birth_date"])
    assert printed["Tempat/Tgl Lahir"] == f"{person['birth_place']}, {birth:%d-%m-%Y}"


def test_an_unknown_difficulty_is_refused_in_words():
    card = synthetic.draw_card(synthetic.make_person(random.Random(1)))
    with pytest.raises(ValueError, match="difficulty must be one of easy, hard"):
        synthetic.photograph(card, rng=random.Random(1), difficulty="medium")


def test_a_residents_card_carries_the_register_record(regions):
    make_household()
    resident = make_resident(
        nik="3510015708870002", name="Siti Aminah", birth_date="1987-08-17", sex="female", religion="islam"
    )
    person = synthetic.person_from_resident(resident)
    assert person["nik"] == "3510015708870002"
    assert person["name"] == "SITI AMINAH"
    assert person["birth_date"] == "1987-08-17"
    assert person["village"] == "Sarongan" and person["district"] == "Pesanggaran"
    assert person["rt_rw"] == "001/002"
    assert person["regency"] == "Kabupaten Banyuwangi"
    assert synthetic.draw_card(person).size == synthetic.CARD_SIZE


def test_the_command_writes_cards_photos_and_their_truth(tmp_path):
    call_command("ktp_sample", "--out", str(tmp_path), "--count", "2", "--seed", "9", stdout=io.StringIO())
    truth = json.loads((tmp_path / "truth.json").read_text(encoding="utf-8"))
    assert [t["photo"] for t in truth] == ["ktp-0001.jpg", "ktp-0002.jpg"]
    for entry in truth:
        assert Image.open(tmp_path / entry["card"]).size == synthetic.CARD_SIZE
        assert Image.open(tmp_path / entry["photo"]).format == "JPEG"
        assert parse_nik(entry["nik"]).valid


def test_the_command_draws_cards_of_residents_from_the_register(regions, tmp_path):
    make_household()
    make_resident()
    out = io.StringIO()
    call_command("ktp_sample", "--out", str(tmp_path), "--count", "3", "--from-register", stdout=out)
    truth = json.loads((tmp_path / "truth.json").read_text(encoding="utf-8"))
    assert [t["nik"] for t in truth] == ["3510011708850001"]
    assert truth[0]["name"] == "BUDI SANTOSO"


def test_the_command_without_residents_says_what_to_do(db, tmp_path):
    with pytest.raises(CommandError, match="No living residents"):
        call_command("ktp_sample", "--out", str(tmp_path), "--from-register", stdout=io.StringIO())

"""Settling a KTP reading: the NIK cross-checked with the printed birth date, sex and kecamatan, misread digits
corrected and said so, impossible numbers refused, names and words matched to the official ones, and the
register compared without telling its values."""

import pytest
from django.utils import translation

from smartkampung.ktp.checks import compare_with_register, settle
from smartkampung.ktp.vocab import FIELDS
from smartkampung.population.tests.factories import make_household, make_resident

# Siti Aminah, a woman born 07-08-1985 in Pesanggaran (351001): day 07 + 40 = 47.
SITI = "3510014708850003"


def card(**fields):
    """What the OCR read off Siti's card, with some fields read differently."""
    read = {
        "nik": SITI,
        "name": "SITI AMINAH",
        "birth": "BANYUWANGI, 07-08-1985",
        "sex": "PEREMPUAN",
        "address": "DUSUN KRAJAN",
        "rt_rw": "001/004",
        "village": "SARONGAN",
        "district": "PESANGGARAN",
        "religion": "ISLAM",
        "marital_status": "KAWIN",
        "occupation": "WIRASWASTA",
        "nationality": "WNI",
    }
    read.update(fields)
    return {name: (text, 0.9) for name, text in read.items() if text is not None}


def codes(reading):
    return {c["code"]: c for c in reading.checks}


def test_a_clean_card_is_settled_whole_and_its_nik_confirmed_by_the_printed_date_and_sex():
    read = card()
    read["nik"] = (SITI, 0.98)  # read surely: the serial is printed nowhere else, only the OCR vouches for it
    reading = settle(read)
    assert reading.as_json() | {"confidence": None, "checks": None} == {
        "nik": SITI,
        "name": "SITI AMINAH",
        "birth_place": "BANYUWANGI",
        "birth_date": "1985-08-07",
        "sex": "female",
        "address": "DUSUN KRAJAN",
        "rt_rw": "001/004",
        "village": "Sarongan",
        "district": "Pesanggaran",
        "religion": "islam",
        "marital_status": "married",
        "occupation": "WIRASWASTA",
        "nationality": "WNI",
        "village_code": "3510012001",
        "district_code": "351001",
        "confidence": None,
        "checks": None,
    }
    assert codes(reading)["nik_valid"]["ok"]
    assert all(c["ok"] for c in reading.checks)
    assert reading.confidence["nik"] >= 0.95
    assert set(reading.as_json()["confidence"]) == set(FIELDS)


def test_nothing_read_gives_every_field_null_and_says_the_nik_must_be_typed():
    reading = settle({})
    data = reading.as_json()
    assert all(data[name] is None for name in FIELDS)
    assert codes(reading)["nik_missing"]["ok"] is False


def test_a_misread_nik_digit_is_corrected_by_the_printed_birth_date_and_said_so():
    # 47 (a woman's 07) read as 77, a day no NIK has.
    with translation.override("en"):
        reading = settle(card(nik="3510017708850003"))
    assert reading.fields["nik"] == SITI
    corrected = codes(reading)["nik_corrected"]
    assert corrected["field"] == "nik"
    assert "3510017708850003" in corrected["text"] and SITI in corrected["text"]
    assert "printed birth date" in corrected["text"]
    assert 0.5 < reading.confidence["nik"] < 0.95  # corrected: the desk highlights it for the officer to confirm


def test_a_valid_looking_misread_nik_digit_read_off_a_letter_yields_to_the_printed_date():
    # The month's 8 read as a G (taken for a 6): 06 is a real month, but a letter read as a digit is the suspect.
    reading = settle(card(nik="35100147OG850003"))
    assert reading.fields["nik"] == SITI
    assert "nik_corrected" in codes(reading)


def test_a_misread_printed_birth_date_is_settled_by_a_valid_nik():
    with translation.override("en"):
        reading = settle(card(birth="BANYUWANGI, 07-06-1985"))
    assert reading.fields["nik"] == SITI
    assert reading.fields["birth_date"] == "1985-08-07"
    corrected = codes(reading)["birth_date_corrected"]
    assert "07-06-1985" in corrected["text"] and "07-08-1985" in corrected["text"]
    assert reading.confidence["birth_date"] < reading.confidence["name"]


def test_a_womans_nik_carries_her_birth_day_plus_40_and_a_mans_does_not():
    woman = settle(card())
    assert (woman.fields["sex"], woman.fields["birth_date"]) == ("female", "1985-08-07")
    man = settle(card(nik="3510010708850003", sex="LAKI-LAKI", name="AHMAD"))
    assert (man.fields["sex"], man.fields["birth_date"]) == ("male", "1985-08-07")
    assert "nik_valid" in codes(man)


def test_the_sex_word_read_wrong_is_settled_by_the_nik():
    reading = settle(card(sex="LAKI-LAKI"))
    assert reading.fields["sex"] == "female"
    assert "sex_corrected" in codes(reading)


def test_a_sex_word_read_fuzzily_still_counts():
    assert settle(card(sex="PEREMPUAM Gol. Darah : O")).fields["sex"] == "female"
    assert settle(card(nik="3510010708850003", sex="LAKI-LAK1")).fields["sex"] == "male"


def test_o_read_for_zero_and_other_lookalikes_are_read_as_digits():
    assert settle(card(nik="351OO147O885OOO3")).fields["nik"] == SITI
    assert settle(card(nik="NIK : 3510 0147 0885 0003")).fields["nik"] == SITI
    assert settle(card(nik="3S1OOl47O8BSOOO3")).fields["nik"] == SITI


def test_an_impossible_nik_is_refused_with_the_digits_read_for_the_officer_to_type():
    with translation.override("en"):
        reading = settle(card(nik="9910014708850003", village=None, district=None))
    assert reading.fields["nik"] is None
    assert reading.confidence["nik"] == 0
    refused = codes(reading)["nik_invalid"]
    assert refused["ok"] is False
    assert "9910014708850003" in refused["text"] and "province" in refused["text"]
    # The printed date still fills the birth date, less sure without a NIK to confirm it.
    assert reading.fields["birth_date"] == "1985-08-07"


def test_a_nik_of_the_wrong_length_is_refused_unless_the_printed_date_settles_the_lost_digit():
    short = settle(card(nik="35100147088500"))
    assert short.fields["nik"] is None
    assert codes(short)["nik_unsettled"]["ok"] is False
    lost_in_date = settle(card(nik="351001408850003"))  # the 7 of 47 lost
    assert lost_in_date.fields["nik"] == SITI
    assert "nik_length_repaired" in codes(lost_in_date)
    lost_in_serial = settle(card(nik="351001470885003"))  # ten serials fit: none is guessed
    assert lost_in_serial.fields["nik"] is None


def test_an_unknown_kecamatan_code_one_digit_off_is_corrected_by_the_printed_kecamatan():
    reading = settle(card(nik="3590014708850003"))
    assert reading.fields["nik"] == SITI
    with translation.override("en"):
        assert "printed kecamatan" in codes(settle(card(nik="3590014708850003")))["nik_corrected"]["text"]
    # Its date digits are a real date: a printed date one digit off does not overrule them.
    both = settle(card(nik="3590014708850003", birth="BANYUWANGI, 07-06-1985"))
    assert (both.fields["nik"], both.fields["birth_date"]) == (SITI, "1985-08-07")
    # Without a printed kecamatan or village, the regency in the card's header settles a regency digit...
    header = settle(card(nik="3610014708850003", district=None, village=None, regency="KABUPATEN BANYUWANGI"))
    assert header.fields["nik"] == SITI
    # ...but not a kecamatan digit, which many kecamatan of the regency would fit.
    assert settle(card(nik="3510994708850003", district=None, village=None, regency="KABUPATEN BANYUWANGI")).nik is None
    # With nothing printed to settle it with, no NIK.
    assert settle(card(nik="3590014708850003", district=None, village=None)).fields["nik"] is None


def test_a_nik_one_digit_from_the_printed_kecamatan_is_kept_but_flagged():
    # Banyuwangi (351016) issued the NIK; the card's address is in Giri (351017): a move, or a misread 7.
    reading = settle(card(nik="3510164708850003", district="GIRI", village="BOYOLANGU"))
    assert reading.fields["nik"] == "3510164708850003"
    assert codes(reading)["nik_district_near"]["ok"] is False
    assert reading.confidence["nik"] <= 0.6
    assert (reading.fields["district"], reading.district_code) == ("Giri", "351017")
    assert "district_differs_from_nik" in codes(reading)


def test_village_and_kecamatan_are_matched_fuzzily_to_their_official_names_and_codes():
    reading = settle(card(village="SAR0NGAM", district="PESANGGRAN"))
    assert (reading.fields["village"], reading.village_code) == ("Sarongan", "3510012001")
    assert (reading.fields["district"], reading.district_code) == ("Pesanggaran", "351001")
    assert 0.8 <= reading.confidence["village"] < 1
    # An unreadable kecamatan is named by its village.
    by_village = settle(card(nik=None, district="@#", village="KANDANGAN"))
    assert by_village.district_code == "351001"
    # A village that matches nothing is kept as read, flagged.
    unknown = settle(card(village="ZZZZQQQ"))
    assert unknown.fields["village"] == "Zzzzqqq" and unknown.village_code is None
    assert codes(unknown)["village_unmatched"]["ok"] is False


@pytest.mark.parametrize(
    ("field", "read", "value"),
    [
        ("religion", "1SLAM", "islam"),
        ("religion", "KATOLlK", "catholic"),
        ("religion", "KRISTEN", "protestant"),
        ("religion", "BUDHA", "buddhist"),
        ("marital_status", "BELUM KAWlN", "single"),
        ("marital_status", "KAWIN", "married"),
        ("marital_status", "CERAI MAT1", "widowed"),
        ("occupation", "WlRASWASTA", "WIRASWASTA"),
        ("occupation", "PELAJAR / MAHASISWA", "PELAJAR/MAHASISWA"),
        ("occupation", "PEGAWAI NEGERI SIPIL", "PEGAWAI NEGERI SIPIL (PNS)"),
        ("nationality", "WN1", "WNI"),
        ("nationality", "WNA", "WNA"),
    ],
)
def test_religion_marital_status_occupation_and_nationality_are_matched_to_their_vocabularies(field, read, value):
    reading = settle(card(**{field: read}))
    assert reading.fields[field] == value
    assert reading.confidence[field] > 0.75


def test_a_word_matching_no_vocabulary_is_left_out_and_flagged():
    reading = settle(card(religion="XYZ"))
    assert reading.fields["religion"] is None
    assert codes(reading)["religion_unmatched"]["ok"] is False


def test_names_rt_rw_and_the_birth_line_are_normalised():
    reading = settle(card(name=": h. ahmad  fauzi ,", rt_rw="：OO1 / OO4", birth="r：BANYUWANGI 07-08-1985"))
    assert reading.fields["name"] == "H. AHMAD FAUZI"
    assert reading.fields["rt_rw"] == "001/004"
    assert reading.fields["birth_place"] == "BANYUWANGI"
    assert settle(card(rt_rw="1/4")).fields["rt_rw"] == "001/004"
    assert settle(card(name="ABDUL PRABOWO ,S.H")).fields["name"] == "ABDUL PRABOWO, S.H"
    assert settle(card(name="INYOMAN WIRA")).fields["name"] == "I NYOMAN WIRA"  # a Balinese name's glued opening
    assert settle(card(address="JL.LEMBONG KEBONJATINO.115")).fields["address"] == "JL. LEMBONG KEBONJATI NO. 115"
    assert settle(card(rt_rw="RT")).fields["rt_rw"] is None
    # Place and date read apart, as the parser may give them.
    apart = card(birth=None) | {"birth_place": ("BANYUWANGI,", 0.9), "birth_date": ("O7-08-1985", 0.9)}
    assert (settle(apart).fields["birth_place"], settle(apart).fields["birth_date"]) == ("BANYUWANGI", "1985-08-07")


@pytest.fixture
def budi(regions):
    make_household()
    return make_resident(nik="3510011708850001", name="Budi Santoso", birth_date="1985-08-17")


def budis_card(**fields):
    return settle(
        card(nik="3510011708850001", name="BUDI SANTOSO", birth="BANYUWANGI, 17-08-1985", sex="LAKI-LAKI") | fields
    )


def test_the_register_agrees_when_name_and_birth_date_match(budi):
    checks = {c["code"]: c for c in compare_with_register(budis_card(), budi)}
    assert checks["register_name"]["ok"] and checks["register_birth_date"]["ok"]


def test_the_register_differs_without_telling_its_values(budi):
    reading = settle(card(nik="3510011708850001", name="AHMAD FAUZI", birth="BANYUWANGI, 17-08-1985", sex="LAKI-LAKI"))
    reading.fields["birth_date"] = "1985-08-18"  # as if the officer had typed another date
    with translation.override("en"):
        checks = {c["code"]: c for c in compare_with_register(reading, budi)}
    assert checks["register_name"]["ok"] is False
    assert checks["register_birth_date"]["ok"] is False
    texts = " ".join(c["text"] for c in checks.values()).upper()
    assert "BUDI" not in texts and "SANTOSO" not in texts and "1985" not in texts and "17" not in texts


def test_a_long_name_one_letter_off_agrees_with_a_note(budi):
    budi.name = "Muhammad Rizky Pratama Wijayakusuma"
    reading = budis_card(name="MUHAMMAD RIZKY PRATAMA WIJAYAKUSUMA")
    reading.fields["name"] = "MUHAMMAD RIZKY PRATAMA WIJAYAKUSUNA"
    with translation.override("en"):
        name = {c["code"]: c for c in compare_with_register(reading, budi)}["register_name"]
    assert name["ok"]
    assert "misread" in name["text"]


def test_a_printed_date_that_does_not_exist_is_settled_by_the_nik_it_almost_matches():
    read = card(birth="BANYUWANGI, 07-18-1985")
    read["nik"] = (SITI, 0.98)
    reading = settle(read)
    assert reading.fields["nik"] == SITI
    assert reading.fields["birth_date"] == "1985-08-07"
    assert "birth_date_corrected" in codes(reading)
    assert reading.confidence["nik"] >= 0.9


def test_a_nik_and_a_printed_date_far_apart_are_both_flagged_and_the_surer_one_gives_the_date():
    read = card(birth="BANYUWANGI, 16-07-1986")
    read["birth"] = (read["birth"][0], 0.5)  # the date line barely read
    reading = settle(read)
    assert reading.fields["nik"] == SITI
    assert codes(reading)["nik_date_differs"]["ok"] is False
    assert reading.fields["birth_date"] == "1985-08-07"
    assert reading.confidence["nik"] <= 0.5 and reading.confidence["birth_date"] <= 0.5


def test_a_printed_year_more_than_110_years_ago_is_a_misread():
    reading = settle(card(birth="BANYUWANGI, 07-08-1885"))
    assert reading.fields["birth_date"] == "1985-08-07"
    assert "birth_date_corrected" in codes(reading)

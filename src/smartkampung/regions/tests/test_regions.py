import pytest
from django.core.management import call_command

from smartkampung.regions.models import District, Province, Regency, Village


@pytest.mark.usefixtures("regions")
def test_banyuwangi_has_25_kecamatan_189_desa_and_28_kelurahan():
    assert District.objects.filter(regency_id="3510").count() == 25
    assert Village.objects.filter(district__regency_id="3510", kind="desa").count() == 189
    assert Village.objects.filter(district__regency_id="3510", kind="kelurahan").count() == 28


@pytest.mark.usefixtures("regions")
def test_all_of_indonesia_is_loaded_for_reading_niks_of_visitors():
    assert Province.objects.count() == 38
    assert Regency.objects.count() == 514
    assert District.objects.count() == 7285
    assert Regency.objects.get(code="3510").name == "Kabupaten Banyuwangi"


@pytest.mark.usefixtures("regions")
def test_every_village_kind_matches_its_seventh_digit_and_has_coordinates():
    for village in Village.objects.all():
        assert village.kind == ("kelurahan" if village.code[6] == "1" else "desa")
        assert village.code.startswith(village.district_id)
        assert village.latitude is not None and village.longitude is not None


@pytest.mark.usefixtures("regions")
def test_loading_again_changes_nothing(capsys):
    call_command("load_regions")
    assert "25 kecamatan, 189 desa, 28 kelurahan" in capsys.readouterr().out
    assert Village.objects.count() == 217

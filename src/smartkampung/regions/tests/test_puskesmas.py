"""The packaged Puskesmas list and the villages each one serves."""

import pytest
from django.core.management import call_command

from smartkampung.regions.models import Puskesmas, ServiceArea, Village
from smartkampung.regions.selectors import puskesmas_serving
from smartkampung.regions.services import load_puskesmas

pytestmark = pytest.mark.usefixtures("regions")


def test_every_village_of_the_regency_is_served_by_one_puskesmas_of_its_kecamatan():
    assert Puskesmas.objects.count() == 45
    areas = ServiceArea.objects.select_related("village", "puskesmas")
    assert areas.count() == Village.objects.filter(district__regency_id="3510").count() == 217
    assert all(a.village.district_id == a.puskesmas.district_id for a in areas)
    # Each of the 45 serves at least its namesake village or, where it has none, some village.
    assert set(areas.values_list("puskesmas__name", flat=True)) == set(Puskesmas.objects.values_list("name", flat=True))


def test_a_puskesmas_serves_its_namesake_and_the_villages_nearest_to_it():
    assert puskesmas_serving("3510151002").name == "Puskesmas Paspan"  # Bakungan: Glagah has one Puskesmas
    assert puskesmas_serving("3510012004").name == "Puskesmas Sumberagung"  # Desa Sumberagung, Pesanggaran
    assert puskesmas_serving("3510012002").name == "Puskesmas Pesanggaran"  # Desa Pesanggaran
    assert puskesmas_serving("3510092003").name == "Puskesmas Genteng Kulon"  # Desa "Genteng Kulon"
    assert puskesmas_serving("3510092001").name == "Puskesmas Kembiritan"


def test_reloading_keeps_what_the_health_office_changed():
    kemiren = ServiceArea.objects.get(village_id="3510152004")
    licin = Puskesmas.objects.get(name="Puskesmas Licin")
    kemiren.puskesmas = licin
    kemiren.save(update_fields=["puskesmas"])
    counts = load_puskesmas(regency_code="3510")
    assert counts.newly_assigned == 0 and counts.puskesmas == 45 and counts.villages_served == 217
    assert puskesmas_serving("3510152004") == licin


def test_the_region_loader_command_loads_the_puskesmas_too(capsys):
    ServiceArea.objects.filter(village__district_id="351015").delete()
    call_command("load_regions")
    assert "45 Puskesmas serving 217 villages" in capsys.readouterr().out
    assert puskesmas_serving("3510152006").name == "Puskesmas Paspan"

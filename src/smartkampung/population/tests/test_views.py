"""The registry's web pages, used through the test client as a village operator would."""

import datetime as dt
import io

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.template.loader import render_to_string
from django.urls import reverse

from smartkampung.population import services
from smartkampung.population.models import ImportJob, Resident

SARONGAN = "3510012001"  # desa Sarongan, Kec. Pesanggaran
BAKUNGAN = "3510151002"  # kelurahan Bakungan, Kec. Glagah
KK = "3510010101100001"
BUDI = "3510011708850001"
SITI = "3510015708870002"
HEADER = "NIK,NO_KK,NAMA_LGKP,TMPT_LHR,TGL_LHR,JENIS_KLMIN,AGAMA,STAT_HBKEL,ALAMAT,NO_RT,NO_RW,KODE_DESA,NO_HP\n"


@pytest.fixture
def villages(regions):
    """Banyuwangi's regions (the shared fixture, under the name these tests read best with)."""


@pytest.fixture
def media(settings):
    return settings.MEDIA_ROOT


@pytest.fixture
def family(villages):
    """A household in Sarongan with a father and a mother, and a single woman in Bakungan."""
    services.create_household(
        user=None,
        values={
            "kk_number": KK,
            "village_code": SARONGAN,
            "address": "Dusun Krajan",
            "rt": "1",
            "rw": "2",
        },
    )
    budi = services.create_resident(
        user=None,
        values={
            "nik": BUDI,
            "kk_number": KK,
            "name": "Budi Santoso",
            "birth_date": "17-08-1985",
            "sex": "male",
            "birth_place": "Banyuwangi",
            "religion": "islam",
            "family_relation": "head",
            "education": "senior",
            "phone": "0812 3456 7890",
            "occupation": "PETANI/PEKEBUN",
        },
    )
    siti = services.create_resident(
        user=None,
        values={
            "nik": SITI,
            "kk_number": KK,
            "name": "Siti Aminah",
            "birth_date": "17-08-1987",
            "sex": "female",
            "family_relation": "spouse",
            "status": "moved",
        },
    )
    services.create_household(user=None, values={"kk_number": "3510151505150002", "village_code": BAKUNGAN})
    sri = services.create_resident(
        user=None,
        values={
            "nik": "3510155505900003",
            "kk_number": "3510151505150002",
            "name": "Sri Wahyuni",
            "birth_date": "15-05-1990",
            "sex": "female",
        },
    )
    return {"budi": budi, "siti": siti, "sri": sri}


def page(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def resident_form_data(**overrides) -> dict:
    data = {
        "nik": "3510014101950004",
        "kk_number": KK,
        "name": "Dewi Lestari",
        "birth_place": "Banyuwangi",
        "birth_date": "01-01-1995",
        "sex": "female",
        "religion": "islam",
        "marital_status": "single",
        "family_relation": "child",
        "education": "bachelor",
        "occupation": "",
        "mother_name": "",
        "father_name": "",
        "phone": "",
        "status": "living",
    }
    data.update(overrides)
    return data


def upload(client, content: bytes, name: str = "penduduk.csv", village: str = ""):
    file = SimpleUploadedFile(name, content, content_type="text/csv")
    return client.post(reverse("population:import_create"), {"file": file, "village": village})


# ---------------------------------------------------------------- access


@pytest.mark.parametrize(
    "name, kwargs",
    [
        ("population:resident_list", {}),
        ("population:resident_detail", {"nik": BUDI}),
        ("population:resident_create", {}),
        ("population:resident_edit", {"nik": BUDI}),
        ("population:household_detail", {"kk": KK}),
        ("population:household_create", {}),
        ("population:import_list", {}),
        ("population:import_create", {}),
        ("population:import_detail", {"pk": 1}),
        ("population:import_progress", {"pk": 1}),
    ],
)
def test_anonymous_visitors_are_sent_to_the_login_page(client, db, name, kwargs):
    url = reverse(name, kwargs=kwargs)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    assert "next=" in response["Location"]


def test_the_home_page_leads_signed_in_staff_to_their_dashboard(admin_client):
    response = admin_client.get("/")
    assert response.status_code == 302
    assert response["Location"] == reverse("dashboards:dashboard")


def test_the_home_page_tells_staff_without_a_role_to_ask_for_one(client, django_user_model):
    client.force_login(django_user_model.objects.create_user("tanpa.peran"))
    response = client.get("/")
    assert response.status_code == 200 and b'id="no-role"' in response.content


def test_the_login_page_is_in_indonesian_and_signs_staff_in(client, admin_user):
    text = page(client.get(reverse("accounts:login")))
    assert 'lang="id"' in text and "Masuk" in text and "Kata sandi" in text
    response = client.post(reverse("accounts:login"), {"username": "admin", "password": "password"})
    assert response.status_code == 302
    assert client.get(reverse("population:resident_list")).status_code == 200


def test_a_wrong_password_is_explained_in_words(client, admin_user):
    response = client.post(reverse("accounts:login"), {"username": "admin", "password": "salah"})
    text = page(response)
    assert "Nama pengguna atau kata sandi tidak tepat" in text


def test_staff_who_are_not_administrators_see_no_residents_and_may_not_import(client, family, django_user_model):
    clerk = django_user_model.objects.create_user("operator", password="Operator-Desa-2026")
    client.force_login(clerk)
    assert "Budi" not in page(client.get(reverse("population:resident_list")))
    assert client.get(reverse("population:resident_detail", kwargs={"nik": BUDI})).status_code == 404
    assert client.get(reverse("population:import_create")).status_code == 403


# ---------------------------------------------------------------- every page renders


def test_every_page_renders_for_an_administrator(admin_client, family, media):
    job = services.import_file_now(
        user=None, path=_write(media, "a.csv", (HEADER + _row(BUDI)).encode()), original_name="a.csv"
    )
    urls = [
        reverse("population:resident_list"),
        reverse("population:resident_detail", kwargs={"nik": BUDI}),
        reverse("population:resident_create"),
        reverse("population:resident_edit", kwargs={"nik": BUDI}),
        reverse("population:household_detail", kwargs={"kk": KK}),
        reverse("population:household_create"),
        reverse("population:household_edit", kwargs={"kk": KK}),
        reverse("population:import_list"),
        reverse("population:import_create"),
        reverse("population:import_detail", kwargs={"pk": job.pk}),
        reverse("population:import_progress", kwargs={"pk": job.pk}),
    ]
    for url in urls:
        response = admin_client.get(url)
        assert response.status_code == 200, url


def test_pages_carry_the_site_name_the_user_a_sign_out_button_and_the_language_switcher(admin_client, family):
    text = page(admin_client.get(reverse("population:resident_list")))
    assert settings.SITE_NAME in text
    assert "admin" in text
    assert f'action="{reverse("accounts:logout")}" method="post"' in text
    assert f'action="{reverse("set_language")}"' in text
    assert "htmx/htmx.min.js" in text and "core/site.css" in text


def test_unknown_nik_kk_and_import_are_not_found_pages(admin_client, family):
    assert admin_client.get(reverse("population:resident_detail", kwargs={"nik": "0000"})).status_code == 404
    assert admin_client.get(reverse("population:resident_edit", kwargs={"nik": "x' OR 1=1"})).status_code == 404
    assert admin_client.get(reverse("population:household_detail", kwargs={"kk": "1234"})).status_code == 404
    assert admin_client.get(reverse("population:import_detail", kwargs={"pk": 999})).status_code == 404


# ---------------------------------------------------------------- the resident list


def test_searching_part_of_a_name_finds_the_resident_and_leaves_out_the_others(admin_client, family):
    text = page(admin_client.get(reverse("population:resident_list"), {"q": "aminah"}))
    assert "SITI AMINAH" in text
    assert "BUDI SANTOSO" not in text and "SRI WAHYUNI" not in text
    text = page(admin_client.get(reverse("population:resident_list"), {"q": "  budi   SANTO "}))
    assert "BUDI SANTOSO" in text and "SITI AMINAH" not in text


def test_searching_the_first_digits_of_a_nik_finds_the_residents_of_that_kecamatan(admin_client, family):
    text = page(admin_client.get(reverse("population:resident_list"), {"q": "351001"}))
    assert "BUDI SANTOSO" in text and "SITI AMINAH" in text and "SRI WAHYUNI" not in text


def test_filters_narrow_the_list_by_kecamatan_village_and_status(admin_client, family):
    url = reverse("population:resident_list")
    text = page(admin_client.get(url, {"district": "351015"}))
    assert "SRI WAHYUNI" in text and "BUDI SANTOSO" not in text
    text = page(admin_client.get(url, {"village": SARONGAN}))
    assert "BUDI SANTOSO" in text and "SRI WAHYUNI" not in text
    text = page(admin_client.get(url, {"village": SARONGAN, "status": "moved"}))
    assert "SITI AMINAH" in text and "BUDI SANTOSO" not in text


def test_the_filter_lists_hold_the_kecamatan_and_villages_of_banyuwangi(admin_client, family):
    text = page(admin_client.get(reverse("population:resident_list")))
    assert '<option value="351001">Pesanggaran</option>' in text
    assert f'<option value="{SARONGAN}">Sarongan</option>' in text
    assert '<optgroup label="Glagah">' in text


def test_the_list_counts_the_results_and_shows_dates_as_day_month_year(admin_client, family):
    text = page(admin_client.get(reverse("population:resident_list")))
    assert "Penduduk 1–3 dari 3" in text
    assert "17-08-1985" in text


def test_the_list_pages_by_25(admin_client, family, media):
    rows = "".join(_row(f"351001170880{n:04d}", name=f"WARGA {n}") for n in range(1, 31))
    services.import_file_now(user=None, path=_write(media, "b.csv", (HEADER + rows).encode()), original_name="b.csv")
    url = reverse("population:resident_list")
    first = page(admin_client.get(url, {"q": "warga"}))
    assert "Penduduk 1–25 dari 30" in first and "page=2" in first
    second = page(admin_client.get(url, {"q": "warga", "page": 2}))
    assert "Penduduk 26–30 dari 30" in second and "WARGA 9<" in second
    beyond = page(admin_client.get(url, {"q": "warga", "page": 99}))
    assert "Penduduk 26–30 dari 30" in beyond


def test_a_count_past_the_cap_is_shown_as_more_than(rf, family):
    from smartkampung.population.views import Pager

    pager = Pager(page=1, per_page=25, count=10_000, capped=True, params={})
    text = render_to_string(
        "population/_resident_results.html",
        {
            "residents": [family["budi"]],
            "pager": pager,
            "filtered": False,
        },
    )
    assert "lebih dari 10.000" in text


def test_a_live_search_by_htmx_gets_only_the_results_part(admin_client, family):
    response = admin_client.get(reverse("population:resident_list"), {"q": "sri"}, headers={"HX-Request": "true"})
    text = page(response)
    assert "SRI WAHYUNI" in text
    assert "<html" not in text and "<form" not in text
    assert "HX-Request" in response["Vary"]
    restore = admin_client.get(
        reverse("population:resident_list"),
        {"q": "sri"},
        headers={"HX-Request": "true", "HX-History-Restore-Request": "true"},
    )
    assert "<html" in page(restore)


def test_the_search_form_works_without_javascript_and_updates_live_with_it(admin_client, family):
    text = page(admin_client.get(reverse("population:resident_list")))
    assert 'method="get"' in text and 'type="submit"' in text
    assert 'hx-get="' in text and 'hx-push-url="true"' in text and 'hx-target="#results"' in text
    assert "delay:" in text


@pytest.mark.parametrize(
    "params",
    [
        {"q": "x" * 5000},
        {"q": "\x00"},
        {"village": "\x00"},
        {"district": "nonsense"},
        {"status": "alive"},
        {"page": "-3"},
        {"page": "abc"},
        {"page": "99999999999999999999"},
        {"q": "%' OR 1=1 --"},
    ],
)
def test_odd_search_input_never_breaks_the_list(admin_client, family, params):
    response = admin_client.get(reverse("population:resident_list"), params)
    # Control characters are refused at the door, in words (core.middleware); anything else lists.
    assert response.status_code == (400 if any("\x00" in value for value in params.values()) else 200)


def test_an_empty_search_says_so(admin_client, family):
    text = page(admin_client.get(reverse("population:resident_list"), {"q": "zzzzzz"}))
    assert "Tidak ada penduduk yang cocok" in text


# ---------------------------------------------------------------- resident and household pages


def test_the_resident_page_shows_every_field_in_words(admin_client, family):
    text = page(admin_client.get(reverse("population:resident_detail", kwargs={"nik": BUDI})))
    for words in (
        "BUDI SANTOSO",
        "BANYUWANGI, 17-08-1985",
        "laki-laki",
        "Islam",
        "kepala keluarga",
        "SLTA",
        "PETANI/PEKEBUN",
        "Sarongan",
        "Pesanggaran",
        "Dusun Krajan",
        "001/002",
        "tinggal di sini",
        "WIB",
    ):
        assert words in text, words
    assert 'href="tel:+6281234567890"' in text
    assert reverse("population:household_detail", kwargs={"kk": KK}) in text
    assert "NIK tidak cocok" not in text


def test_a_nik_that_disagrees_with_the_record_gets_a_warning_box(admin_client, family):
    services.update_resident(user=None, resident=family["budi"], values={"birth_date": dt.date(1985, 8, 18)})
    text = page(admin_client.get(reverse("population:resident_detail", kwargs={"nik": BUDI})))
    assert 'class="warnbox"' in text
    assert "17-08-1985" in text  # what the NIK says


def test_the_household_page_shows_the_address_and_its_members(admin_client, family):
    text = page(admin_client.get(reverse("population:household_detail", kwargs={"kk": KK})))
    for words in (
        KK,
        "Dusun Krajan",
        "001/002",
        "Sarongan",
        "Pesanggaran",
        "2 anggota",
        "BUDI SANTOSO",
        "SITI AMINAH",
        "istri/suami",
        "pindah",
    ):
        assert words in text, words
    assert "SRI WAHYUNI" not in text
    assert reverse("population:resident_detail", kwargs={"nik": SITI}) in text


# ---------------------------------------------------------------- forms


def test_registering_a_resident_through_the_form(admin_client, family):
    response = admin_client.post(reverse("population:resident_create"), resident_form_data())
    assert response.status_code == 302
    assert response["Location"] == reverse("population:resident_detail", kwargs={"nik": "3510014101950004"})
    dewi = Resident.objects.get(nik="3510014101950004")
    assert (dewi.name, dewi.birth_date, dewi.household.kk_number) == ("DEWI LESTARI", dt.date(1995, 1, 1), KK)
    assert "DEWI LESTARI berhasil didaftarkan" in page(admin_client.get(response["Location"]))


def test_a_bad_resident_form_gives_errors_in_words_not_a_500(admin_client, family):
    response = admin_client.post(
        reverse("population:resident_create"),
        resident_form_data(nik="12345", name="", birth_date="31-02-1995", sex="x", phone="abc"),
    )
    text = page(response)
    assert 'class="errorbox"' in text
    assert "Data tidak dapat disimpan" in text
    assert "Wajib diisi" in text or "harus diisi" in text
    assert "DD-MM-YYYY" in text
    assert not Resident.objects.filter(name_search="DEWILESTARI").exists()


def test_register_rules_come_back_next_to_their_fields(admin_client, family):
    response = admin_client.post(
        reverse("population:resident_create"),
        resident_form_data(nik="3510010101950004", kk_number="3510019999990009", phone="12"),
    )
    text = page(response)
    assert "Nomor KK" in text and "daftarkan keluarganya dulu" in text  # unknown household
    assert "bukan nomor telepon Indonesia yang sah" in text
    assert 'aria-invalid="true"' in text


def test_registering_an_existing_nik_is_refused_in_words(admin_client, family):
    text = page(admin_client.post(reverse("population:resident_create"), resident_form_data(nik=BUDI)))
    assert "sudah terdaftar" in text


def test_the_resident_form_prefills_the_household_from_its_page(admin_client, family):
    text = page(admin_client.get(reverse("population:resident_create"), {"kk": KK}))
    assert f'value="{KK}"' in text


def test_editing_a_resident_saves_the_changes_but_never_the_nik(admin_client, family):
    url = reverse("population:resident_edit", kwargs={"nik": BUDI})
    form = page(admin_client.get(url))
    assert 'name="nik"' not in form and BUDI in form and 'value="17-08-1985"' in form
    data = resident_form_data(
        nik="3510010000000000", name="Budi Santoso Wibowo", birth_date="17-08-1985", sex="male", phone="081299990000"
    )
    response = admin_client.post(url, data)
    assert response.status_code == 302
    budi = Resident.objects.get(pk=family["budi"].pk)
    assert (budi.nik, budi.name, budi.phone) == (BUDI, "BUDI SANTOSO WIBOWO", "+6281299990000")
    assert not Resident.objects.filter(nik="3510010000000000").exists()


def test_a_bad_edit_keeps_the_record_and_explains(admin_client, family):
    url = reverse("population:resident_edit", kwargs={"nik": BUDI})
    text = page(admin_client.post(url, resident_form_data(name="   ", birth_date="kemarin", status="gone")))
    assert 'class="errorbox"' in text
    assert Resident.objects.get(nik=BUDI).name == "BUDI SANTOSO"


def test_registering_and_changing_a_household_through_the_forms(admin_client, family):
    response = admin_client.post(
        reverse("population:household_create"),
        {
            "kk_number": "3510010202200005",
            "village_code": SARONGAN,
            "address": "Dusun Rowo",
            "rt": "3",
            "rw": "1",
            "postal_code": "68488",
        },
    )
    assert response.status_code == 302
    text = page(admin_client.get(response["Location"]))
    assert "DUSUN ROWO" in text or "Dusun Rowo" in text
    bad = page(
        admin_client.post(
            reverse("population:household_create"), {"kk_number": "12", "village_code": "9999999999", "rt": "abcd"}
        )
    )
    assert 'class="errorbox"' in bad
    edit = admin_client.post(
        reverse("population:household_edit", kwargs={"kk": KK}),
        {"village_code": SARONGAN, "address": "Dusun Krajan Baru", "rt": "4", "rw": "2", "postal_code": ""},
    )
    assert edit.status_code == 302
    assert "004/002" in page(admin_client.get(edit["Location"]))


# ---------------------------------------------------------------- imports


def _row(
    nik: str,
    name: str = "BUDI SANTOSO",
    birth: str | None = None,
    sex: str = "LAKI-LAKI",
    village: str = SARONGAN,
    kk: str = "3510010101100001",
) -> str:
    if birth is None:
        birth = f"{nik[6:8]}-{nik[8:10]}-19{nik[10:12]}"
    return f"{nik},{kk},{name},BANYUWANGI,{birth},{sex},ISLAM,KEPALA KELUARGA,DUSUN KRAJAN,001,002,{village},\n"


def _write(folder, name: str, content: bytes):
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(content)
    return path


def test_the_import_page_documents_the_accepted_columns(admin_client, villages):
    text = page(admin_client.get(reverse("population:import_create")))
    for column in ("NIK", "NO_KK", "NAMA_LGKP", "TGL_LHR", "JENIS_KLMIN", "KODE_DESA", "NO_HP", "STAT_HBKEL"):
        assert column in text, column
    assert 'enctype="multipart/form-data"' in text
    assert f'<option value="{SARONGAN}">Sarongan</option>' in text


@pytest.mark.django_db(transaction=True)  # the worker commits and closes connections, as in production
def test_uploading_a_good_csv_queues_a_job_whose_page_shows_counts_and_rejected_rows(admin_client, villages, media):
    content = (
        HEADER
        + _row(BUDI)
        + _row(SITI, name="SITI AMINAH", sex="PEREMPUAN", birth="17-08-1987")
        + _row("35100199998500", name="SALAH NIK")
        + _row("3510014101950004", name="DEWI", birth="02-01-1995", sex="PEREMPUAN")
    ).encode()
    response = upload(admin_client, content)
    assert response.status_code == 302
    job = ImportJob.objects.get()
    assert response["Location"] == reverse("population:import_detail", kwargs={"pk": job.pk})
    queued = page(admin_client.get(response["Location"]))
    assert 'hx-trigger="every 2s"' in queued and "menunggu" in queued

    call_command("db_worker", "--batch", "--no-startup-delay")

    job.refresh_from_db()
    assert (job.status, job.created_count, job.rejected_count, job.flagged_count) == ("done", 3, 1, 1)
    text = page(admin_client.get(response["Location"]))
    assert "every 2s" not in text
    assert "selesai" in text
    assert "Baris 4" in text and "35100199998500" in text and "harus tepat 16 digit" in text
    assert "Baris 5" in text  # flagged: the NIK says 01-01-1995
    rejected_only = page(admin_client.get(response["Location"], {"kind": "rejected"}))
    assert "Baris 4" in rejected_only and "Baris 5" not in rejected_only
    listing = page(admin_client.get(reverse("population:import_list")))
    assert "penduduk.csv" in listing
    assert Resident.objects.filter(nik=SITI).exists()


def test_the_progress_part_polls_while_the_import_runs_and_asks_for_a_reload_when_it_is_done(
    admin_client, villages, media
):
    upload(admin_client, (HEADER + _row(BUDI)).encode())
    job = ImportJob.objects.get()
    url = reverse("population:import_progress", kwargs={"pk": job.pk})
    running = admin_client.get(url, headers={"HX-Request": "true"})
    assert 'hx-trigger="every 2s"' in page(running) and "HX-Refresh" not in running
    assert 'role="progressbar"' in page(running)
    services.run_import(job_id=job.pk)
    done = admin_client.get(url, headers={"HX-Request": "true"})
    assert done["HX-Refresh"] == "true" and "every 2s" not in page(done)


def test_an_excel_workbook_can_be_uploaded_too(admin_client, villages, media):
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    for line in (HEADER + _row(BUDI)).splitlines():
        sheet.append(line.split(","))
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = upload(admin_client, buffer.getvalue(), name="penduduk.xlsx")
    assert response.status_code == 302, response.content.decode()[:2000]
    job = ImportJob.objects.get()
    assert job.format == "xlsx" and job.total_rows == 1
    assert services.run_import(job_id=job.pk).created_count == 1


def test_the_default_village_goes_with_the_upload(admin_client, villages, media):
    content = b"NIK,NO_KK,NAMA_LGKP,TGL_LHR,JENIS_KLMIN\n3510011708850001,3510010101100001,BUDI,17-08-1985,L\n"
    assert upload(admin_client, content, village=SARONGAN).status_code == 302
    job = ImportJob.objects.get()
    assert job.default_village_id == SARONGAN
    services.run_import(job_id=job.pk)
    assert Resident.objects.get(nik=BUDI).village_id == SARONGAN


@pytest.mark.parametrize(
    "content, name, words",
    [
        (b"nama;umur\nbudi;40\n", "data.csv", "tidak memiliki kolom wajib"),
        (b"", "kosong.csv", "kosong"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "lama.xls", ".xls"),
        (b"PK\x03\x04 not really a zip", "rusak.xlsx", "Excel"),
    ],
)
def test_a_malformed_upload_shows_one_clear_error_and_creates_no_job(
    admin_client, villages, media, content, name, words
):
    text = page(upload(admin_client, content, name=name))
    assert 'class="errorbox"' in text
    assert text.count('class="errorlist"') == 1
    assert words in text
    assert not ImportJob.objects.exists()


def test_an_upload_without_a_file_asks_for_one(admin_client, villages, media):
    text = page(admin_client.post(reverse("population:import_create"), {"village": "nowhere"}))
    assert 'class="errorbox"' in text and not ImportJob.objects.exists()


# ---------------------------------------------------------------- languages


def test_pages_are_in_indonesian_by_default(admin_client, family):
    text = page(admin_client.get(reverse("population:resident_list")))
    assert '<html lang="id">' in text
    assert "Penduduk" in text and "Cari" in text and "Keluar" in text


def test_pages_are_in_english_when_the_browser_asks_for_it(admin_client, family):
    text = page(
        admin_client.get(reverse("population:resident_detail", kwargs={"nik": BUDI}), headers={"accept-language": "en"})
    )
    assert '<html lang="en">' in text
    assert "Place and date of birth" in text and "head of household" in text and "Sign out" in text


def test_the_language_switcher_remembers_english_in_a_cookie(admin_client, family):
    url = reverse("population:resident_list")
    response = admin_client.post(reverse("set_language"), {"language": "en", "next": url})
    assert response.status_code == 302 and response["Location"] == url
    assert admin_client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    text = page(admin_client.get(url))
    assert "Residents" in text and "Search" in text
    admin_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "id"
    assert "Penduduk" in page(admin_client.get(url))

"""An import's problems: the first few stored, all of them counted, every one in words (issue 13, point 5)."""

import pytest

from smartkampung.population import importer, imports, services
from smartkampung.population.models import ImportJob
from smartkampung.population.tests.factories import siak_csv, siak_row
from smartkampung.population.tests.test_import_jurisdiction import _xlsx

pytestmark = pytest.mark.usefixtures("regions")


def bad_rows(count: int) -> list[dict[str, str]]:
    return [siak_row(NIK=f"35100117088{i:05d}", TGL_LHR="31-02-1985") for i in range(1, count + 1)]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_file_of_many_bad_rows_stores_the_first_problems_and_counts_them_all(
    admin_client, settings, monkeypatch, tmp_path, fmt
):
    settings.IMPORT_MAX_STORED_PROBLEMS = 5
    monkeypatch.setattr(importer, "BATCH_SIZE", 4)  # several batches on the row-wise path
    monkeypatch.setattr(imports, "BATCH_SIZE", 4)
    from django.core.files.uploadedfile import SimpleUploadedFile

    content = siak_csv(bad_rows(12)) if fmt == "csv" else _xlsx(bad_rows(12))
    admin_client.post("/population/imports/new/", {"file": SimpleUploadedFile(f"buruk.{fmt}", content)})
    job = services.run_import(job_id=ImportJob.objects.latest("id").pk)

    assert (job.rejected_count, job.row_issues.count()) == (12, 5)
    assert list(job.row_issues.values_list("row_number", flat=True)) == [2, 3, 4, 5, 6]
    page = admin_client.get(f"/population/imports/{job.pk}/").content.decode()
    assert "Only the first 5 of the 12 rows" in page or "Hanya 5 baris pertama" in page
    assert admin_client.get(f"/api/v1/imports/{job.pk}").json()["rejected_count"] == 12


def test_an_import_that_breaks_says_so_in_words_not_with_the_exception(admin, tmp_path):
    path = tmp_path / "penduduk.csv"
    path.write_bytes(siak_csv([siak_row()]))
    job = services.start_import(user=admin, path=path, original_name="penduduk.csv", enqueue=False)
    job.file.storage.delete(job.file.name)  # the stored copy is gone when the worker comes

    with pytest.raises(FileNotFoundError):
        services.run_import(job_id=job.pk)

    job.refresh_from_db()
    assert job.status == "failed"
    assert "internal error" in job.error or "kesalahan" in job.error
    assert "No such file" not in job.error and "Errno" not in job.error and job.file.name not in job.error

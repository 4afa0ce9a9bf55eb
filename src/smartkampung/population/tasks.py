"""Background work of the registry, run by the persistent task queue (`smartkampung db_worker`)."""

from django_tasks import task


@task()
def import_registry_file(job_id: int) -> None:
    from smartkampung.population.imports import run_import

    run_import(job_id=job_id)

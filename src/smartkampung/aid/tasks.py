"""Background work of social aid, run by the persistent task queue (`smartkampung db_worker`)."""

from django_tasks import task


@task()
def import_recipient_list(list_id: int) -> None:
    from smartkampung.aid.services import run_list_import

    run_list_import(list_id=list_id)

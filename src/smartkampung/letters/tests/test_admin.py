"""A village's own numbering pattern, entered by the administrator in Django's admin, is checked like any other."""

from smartkampung.letters.models import NumberingRule
from smartkampung.letters.tests.officials import BAKUNGAN


def test_a_village_pattern_without_the_year_is_refused_in_the_admin(admin_client, regions):
    page = "/django-admin/letters/numberingrule/add/"

    refused = admin_client.post(
        page, {"village": BAKUNGAN, "letter_type": "", "pattern": "{sequence:03}/{village_code}"}
    )
    saved = admin_client.post(page, {"village": BAKUNGAN, "letter_type": "", "pattern": "{sequence:03}/DS/{year}"})

    assert refused.status_code == 200 and "{year}" in refused.content.decode()
    assert saved.status_code == 302
    assert list(NumberingRule.objects.values_list("pattern", flat=True)) == ["{sequence:03}/DS/{year}"]

"""An import links a person who already holds units elsewhere to the importer's units,
but changes their phone only when the importer's jurisdiction covers every unit they hold
(the rule of the owner form, estates.services.owner_update)."""

import pytest

from estates.models import ImportJob, Owner, Ownership
from tests.estates.import_helpers import LI, ZHANG, csv_bytes, good_rows
from tests.estates.test_import_admin import officer, upload

pytestmark = pytest.mark.django_db

NEW_PHONE = "13800000000"


def _with_phone(rows, id_number, phone):
    for row in rows:
        if row[8] == id_number:
            row[9] = phone
    return rows


def test_another_streets_import_links_the_owner_but_keeps_their_phone(client, tree):
    kaihua = officer(tree.streets[0], "kaihua")
    wolong = officer(tree.streets[1], "wolong")
    client.force_login(kaihua)
    upload(client, csv_bytes(good_rows("开化第1社区")), "开化.csv")

    client.force_login(wolong)
    upload(client, csv_bytes(_with_phone(good_rows("卧龙第1社区"), ZHANG, NEW_PHONE)), "卧龙.csv")
    job = ImportJob.objects.latest("pk")
    assert job.status == ImportJob.Status.DONE
    assert job.counts["owner_phones_kept"] == 1 and job.counts["owners_updated"] == 0
    zhang = Owner.objects.get(id_number=ZHANG)
    assert zhang.phone == "13908761001"  # unchanged: 张伟 also holds units in 开化街道
    streets = set(
        Ownership.objects.filter(owner=zhang).values_list(
            "compound__region__parent__name", flat=True
        )
    )
    assert streets == {"开化街道", "卧龙街道"}
    assert "未改电话" in client.get(f"/admin/registry-import/{job.pk}/").text


def test_an_owner_inside_the_jurisdiction_gets_the_new_phone(client, tree):
    kaihua = officer(tree.streets[0], "kaihua")
    client.force_login(kaihua)
    upload(client, csv_bytes(good_rows("开化第1社区")), "开化.csv")
    upload(client, csv_bytes(_with_phone(good_rows("开化第1社区"), LI, NEW_PHONE)), "开化2.csv")
    job = ImportJob.objects.latest("pk")
    assert job.counts["owners_updated"] == 1 and job.counts["owner_phones_kept"] == 0
    assert Owner.objects.get(id_number=LI).phone == NEW_PHONE

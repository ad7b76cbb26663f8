"""Permission names in Chinese (issue "Chinese throughout"): the group page labels each
permission's checkbox with the name stored in the database, which Django and Wagtail write
in English; after ``migrate`` every name is in the site's language, codenames unchanged."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from django.core.management import call_command

from estates.permission_names import permission_names_translate
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def test_default_permissions_are_named_by_action_and_model():
    assert Permission.objects.get(codename="add_group").name == "可添加组"
    assert Permission.objects.get(codename="change_compound").name == "可更改小区"
    assert Permission.objects.get(codename="view_user").name == "可查看用户"


def test_wagtails_own_permissions_come_from_its_catalogue():
    assert Permission.objects.get(codename="access_admin").name == "可以进入管理后台"
    names = set(Permission.objects.values_list("name", flat=True))
    assert not [name for name in names if name.isascii()]


def test_a_name_written_in_english_again_is_rewritten_and_codenames_stay():
    Permission.objects.filter(codename="add_group").update(name="Can add group")
    codenames = set(Permission.objects.values_list("codename", flat=True))

    assert permission_names_translate() == 1
    assert Permission.objects.get(codename="add_group").name == "可添加组"
    assert permission_names_translate() == 0  # nothing left to write
    assert set(Permission.objects.values_list("codename", flat=True)) == codenames


def test_migrate_keeps_the_names_chinese():
    Permission.objects.filter(codename="delete_site").update(name="Can delete site")
    call_command("migrate", verbosity=0)
    assert Permission.objects.get(codename="delete_site").name == "可删除站点"


def test_group_page_labels_permissions_in_chinese(client):
    client.force_login(make_user("root_perm", is_superuser=True, is_staff=True))
    page = client.get("/admin/groups/new/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "可添加组" in page and "可添加小区" in page
    assert "Can add" not in page and "Can change" not in page

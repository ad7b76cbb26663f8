"""search_words: the segmented words of each published notice, and on PostgreSQL the GIN
index that serves the public search (disclosures.notices.search). SQLite has no such
index: the search matches each word with icontains there."""

from django.db import migrations, models

from disclosures.notices.search import notice_search_words, search_index

BATCH = 500


def backfill(apps, schema_editor):
    NoticePage = apps.get_model("notices", "NoticePage")
    published = NoticePage.objects.filter(first_published_at__isnull=False).order_by("pk")
    last = 0
    while True:
        notices = list(published.filter(pk__gt=last)[:BATCH])
        if not notices:
            return
        for notice in notices:
            notice.search_words = notice_search_words(notice)
        NoticePage.objects.bulk_update(notices, ["search_words"])
        last = notices[-1].pk


def add_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.add_index(apps.get_model("notices", "NoticePage"), search_index())


def remove_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.remove_index(apps.get_model("notices", "NoticePage"), search_index())


class Migration(migrations.Migration):
    dependencies = [
        ("notices", "0003_catalogue_basis_in_words"),
    ]

    operations = [
        migrations.AddField(
            model_name="noticepage",
            name="search_words",
            field=models.TextField(blank=True, default="", editable=False, verbose_name="检索词"),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
        migrations.RunPython(add_index, remove_index),
    ]

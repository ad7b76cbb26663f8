"""The national default items name their legal basis in words (the law and article), not
by a rule number of our own."""

from django.db import migrations

from disclosures.notices.catalogue_defaults import BASIS


def name_the_basis(apps, schema_editor):
    item_model = apps.get_model("notices", "DisclosureItem")
    for old, new in BASIS.items():
        item_model.objects.filter(region=None, basis=old).update(basis=new)


class Migration(migrations.Migration):
    dependencies = [("notices", "0002_default_catalogue")]

    operations = [migrations.RunPython(name_the_basis, migrations.RunPython.noop)]

from django.db import migrations


def add_defaults(apps, schema_editor):
    from disclosures.notices.catalogue_defaults import DEFAULT_ITEMS

    item_model = apps.get_model("notices", "DisclosureItem")
    for order, (code, name, frequency, publisher, grace, basis) in enumerate(DEFAULT_ITEMS):
        item_model.objects.get_or_create(
            region=None,
            code=code,
            defaults={
                "name": name,
                "frequency": frequency,
                "publisher": publisher,
                "grace_days": grace,
                "basis": basis,
                "sort_order": order * 10,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("notices", "0001_initial")]

    operations = [migrations.RunPython(add_defaults, migrations.RunPython.noop)]

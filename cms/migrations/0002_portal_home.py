from django.db import migrations


def create_portal(apps, schema_editor):
    # The page tree needs treebeard's real model methods, so this uses the app's helper
    # rather than historical models (see cms.setup).
    from cms.setup import ensure_portal

    ensure_portal()


class Migration(migrations.Migration):
    dependencies = [
        ("cms", "0001_initial"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [migrations.RunPython(create_portal, migrations.RunPython.noop)]

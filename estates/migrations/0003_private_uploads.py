"""Registry sheets and Wagtail documents move out of MEDIA_ROOT into the private storage
(common.files): files already uploaded are moved there, so nothing stays under MEDIA_URL."""

import filecmp
import shutil
from pathlib import Path

from django.conf import settings
from django.db import migrations, models

import common.files


def move_private_files(apps, schema_editor):
    """Every file goes; none stays under MEDIA_URL. A file already in the private storage
    (a migration interrupted and run again) is the same file: the public copy is removed.
    A different file of the same name there stops the upgrade, naming it, rather than
    leaving either one behind or overwriting it."""
    public = Path(settings.MEDIA_ROOT)
    private = Path(common.files.private_storage().location)
    for directory in ("registry-imports", *common.files.PRIVATE_MEDIA_DIRECTORIES):
        source = public / directory
        if not source.is_dir():
            continue
        for path in sorted(p for p in source.rglob("*") if p.is_file()):
            target = private / path.relative_to(public)
            if target.exists():
                if not filecmp.cmp(path, target, shallow=False):
                    raise RuntimeError(
                        f"{path} and {target} differ: move one of them by hand, then migrate."
                    )
                path.unlink()
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.move(path, target)


class Migration(migrations.Migration):
    dependencies = [
        ("estates", "0002_import_job"),
    ]

    operations = [
        migrations.AlterField(
            model_name="importjob",
            name="file",
            field=models.FileField(
                storage=common.files.private_storage,
                upload_to="registry-imports/%Y/%m/",
                verbose_name="文件",
            ),
        ),
        migrations.RunPython(move_private_files, migrations.RunPython.noop),
    ]

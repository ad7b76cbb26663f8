"""Seeds China's official holidays and make-up working days for 2024–2026 (DOMAIN 1.10)."""

from django.db import migrations


def seed(apps, schema_editor):
    from committees.deadlines import official_calendar_rows

    CalendarDay = apps.get_model("committees", "CalendarDay")
    existing = set(CalendarDay.objects.values_list("date", flat=True))
    CalendarDay.objects.bulk_create(
        CalendarDay(date=day, is_rest_day=rest, note=note)
        for day, rest, note in official_calendar_rows()
        if day not in existing
    )


def unseed(apps, schema_editor):
    from committees.deadlines import official_calendar_rows

    CalendarDay = apps.get_model("committees", "CalendarDay")
    CalendarDay.objects.filter(date__in=[d for d, _, _ in official_calendar_rows()]).delete()


class Migration(migrations.Migration):
    dependencies = [("committees", "0003_bodies_calendar_rules")]

    operations = [migrations.RunPython(seed, unseed)]

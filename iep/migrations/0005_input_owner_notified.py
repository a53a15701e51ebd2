from django.db import migrations, models
from django.db.models import F


def mark_past_assignments_told(apps, schema_editor):
    """Inputs assigned before this column existed are not emailed now: their owner heard of them at the time."""
    apps.get_model("iep", "IEPInput").objects.filter(assigned_to__isnull=False).update(assigned_notified_at=F("created_at"))


class Migration(migrations.Migration):

    dependencies = [
        ("iep", "0004_goal_status_interim_reports"),
    ]

    operations = [
        migrations.AddField(
            model_name="iepinput",
            name="assigned_notified_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.RunPython(mark_past_assignments_told, migrations.RunPython.noop),
    ]

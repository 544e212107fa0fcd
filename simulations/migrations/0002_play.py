import uuid

from django.db import migrations, models


def give_public_ids(apps, schema_editor):
    Run = apps.get_model("simulations", "Run")
    for run in Run.objects.filter(public_id__isnull=True).only("pk"):
        run.public_id = uuid.uuid4()
        run.save(update_fields=["public_id"])


def count_turns(apps, schema_editor):
    Run = apps.get_model("simulations", "Run")
    for run in Run.objects.annotate(taken=models.Count("turns")).filter(taken__gt=0):
        Run.objects.filter(pk=run.pk).update(turn_count=run.taken)


class Migration(migrations.Migration):

    dependencies = [
        ("simulations", "0001_initial"),
    ]

    operations = [
        # Unique values for the rows already there come between the two
        # steps, as Django's documentation does it for a unique UUID.
        migrations.AddField(
            model_name="run",
            name="public_id",
            field=models.UUIDField(editable=False, null=True),
        ),
        migrations.RunPython(give_public_ids, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="run",
            name="public_id",
            field=models.UUIDField(default=uuid.uuid4, editable=False, unique=True),
        ),
        migrations.AddField(
            model_name="run",
            name="turn_count",
            field=models.PositiveSmallIntegerField(default=0, verbose_name="turns taken"),
        ),
        migrations.RunPython(count_turns, migrations.RunPython.noop),
    ]

from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def verified_with_their_quiz(apps, schema_editor):
    # Questions were checked together with their quiz until now.
    Question = apps.get_model("quizzes", "Question")
    Quiz = apps.get_model("quizzes", "Quiz")
    Question.objects.update(
        last_verified=Subquery(
            Quiz.objects.filter(pk=OuterRef("quiz_id")).values("last_verified")[:1]
        )
    )


class Migration(migrations.Migration):

    dependencies = [
        ("quizzes", "0006_translations"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="quiz",
            options={
                "ordering": ("order", "title"),
                "permissions": [("view_quiz_statistics", "Can view quiz statistics")],
                "verbose_name": "quiz",
                "verbose_name_plural": "quizzes",
            },
        ),
        migrations.AddField(
            model_name="choice",
            name="misconception",
            field=models.CharField(
                blank=True,
                help_text="For a wrong option: the mistaken belief that leads learners to it, in a few words (“trusts caller ID”). Use the same words wherever the same belief appears, so that statistics can count it.",
                max_length=80,
                verbose_name="misconception",
            ),
        ),
        # Questions already live stay live; new ones start as drafts.
        migrations.AddField(
            model_name="question",
            name="is_published",
            field=models.BooleanField(default=True, verbose_name="published"),
        ),
        migrations.AlterField(
            model_name="question",
            name="is_published",
            field=models.BooleanField(
                default=False,
                help_text="Learners only get published questions.",
                verbose_name="published",
            ),
        ),
        migrations.AddField(
            model_name="question",
            name="last_verified",
            field=models.DateField(null=True, verbose_name="last verified"),
        ),
        migrations.RunPython(verified_with_their_quiz, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="question",
            name="last_verified",
            field=models.DateField(
                help_text="When the facts were last checked against the source.",
                verbose_name="last verified",
            ),
        ),
    ]

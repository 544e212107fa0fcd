# FSRS review, step 3 of 3: the Leitner box goes; one card per family.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [("quizzes", "0013_fsrs_review_convert")]

    operations = [
        migrations.RemoveField(model_name="reviewitem", name="box"),
        migrations.AlterModelOptions(
            name="reviewitem",
            options={
                "ordering": ("due_at", "pk"),
                "verbose_name": "review item",
                "verbose_name_plural": "review items",
            },
        ),
        migrations.AddConstraint(
            model_name="reviewitem",
            constraint=models.UniqueConstraint(
                condition=models.Q(("user__isnull", False)),
                fields=("user", "family"),
                name="one_review_per_user_family",
            ),
        ),
        migrations.AddConstraint(
            model_name="reviewitem",
            constraint=models.UniqueConstraint(
                condition=models.Q(("user__isnull", True)),
                fields=("learner_key", "family"),
                name="one_review_per_session_family",
            ),
        ),
        migrations.AlterField(
            model_name="attempt",
            name="quiz",
            field=models.ForeignKey(
                blank=True,
                help_text="Empty for a review.",
                null=True,
                on_delete=models.deletion.CASCADE,
                related_name="attempts",
                to="quizzes.quiz",
                verbose_name="quiz",
            ),
        ),
    ]

# FSRS review, step 1 of 3: the card's fields beside the Leitner box, and the
# private calendar links. 0013 converts the rows, 0014 drops the box.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import quizzes.models


class Migration(migrations.Migration):

    dependencies = [
        ("quizzes", "0011_practice_bank"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="reviewitem", name="one_review_per_user_question"
        ),
        migrations.RemoveConstraint(
            model_name="reviewitem", name="one_review_per_session_question"
        ),
        migrations.AddField(
            model_name="reviewitem",
            name="family",
            field=models.CharField(default="", max_length=110, verbose_name="family"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="reviewitem",
            name="state",
            field=models.PositiveSmallIntegerField(default=2),
        ),
        migrations.AddField(
            model_name="reviewitem",
            name="stability",
            field=models.FloatField(null=True),
        ),
        migrations.AddField(
            model_name="reviewitem",
            name="difficulty",
            field=models.FloatField(null=True),
        ),
        migrations.AddField(
            model_name="reviewitem",
            name="last_review",
            field=models.DateTimeField(null=True),
        ),
        migrations.AddField(
            model_name="reviewitem",
            name="reps",
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.AddField(
            model_name="reviewitem",
            name="lapses",
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.CreateModel(
            name="ReviewCalendar",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True,
                        primary_key=True,
                        serialize=False,
                        verbose_name="ID",
                    ),
                ),
                (
                    "learner_key",
                    models.CharField(blank=True, db_index=True, max_length=64),
                ),
                (
                    "token",
                    models.CharField(
                        default=quizzes.models.new_calendar_token,
                        editable=False,
                        max_length=64,
                        unique=True,
                    ),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                (
                    "user",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="review_calendars",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="learner",
                    ),
                ),
            ],
            options={
                "verbose_name": "review calendar",
                "verbose_name_plural": "review calendars",
                "constraints": [
                    models.UniqueConstraint(
                        condition=models.Q(("user__isnull", False)),
                        fields=("user",),
                        name="one_calendar_per_user",
                    ),
                    models.UniqueConstraint(
                        condition=models.Q(("user__isnull", True)),
                        fields=("learner_key",),
                        name="one_calendar_per_session",
                    ),
                ],
            },
        ),
    ]

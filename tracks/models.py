from datetime import timedelta

from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from awareness.models import Loadable, Translatable
from quizzes.models import Attempt, Quiz


class TrackQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_published=True)

    def visible_to(self, user):
        """Return what this user may open: staff also preview drafts."""
        if user.is_active and user.is_staff:
            return self.all()
        return self.published()


class Track(Loadable, Translatable):
    """An ordered set of quizzes on one theme, with checks before and after."""

    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"))
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    is_published = models.BooleanField(_("published"), default=False)
    quizzes = models.ManyToManyField(
        Quiz,
        through="TrackQuiz",
        related_name="tracks",
        verbose_name=_("quizzes"),
    )

    objects = TrackQuerySet.as_manager()

    class Meta:
        ordering = ("position", "title")
        verbose_name = _("track")
        verbose_name_plural = _("tracks")
        permissions = [
            ("view_track_statistics", _("Can view track statistics")),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("tracks:track_detail", args=[self.slug])


class TrackQuiz(models.Model):
    track = models.ForeignKey(
        Track, on_delete=models.CASCADE, related_name="steps", verbose_name=_("track")
    )
    quiz = models.ForeignKey(
        Quiz, on_delete=models.CASCADE, related_name="+", verbose_name=_("quiz")
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ("position", "pk")
        verbose_name = _("quiz of a track")
        verbose_name_plural = _("quizzes of a track")
        constraints = [
            models.UniqueConstraint(fields=("track", "quiz"), name="quiz_once_a_track")
        ]

    def __str__(self):
        return f"{self.track} · {self.quiz}"


class Stage(models.TextChoices):
    PRE = "pre", _("Pre-check")
    POST = "post", _("Post-check")
    WEEK = "day7", _("7-day check")
    MONTH = "day30", _("30-day check")


# How long after the post-check each delayed check falls due.
DELAYS = {Stage.WEEK: timedelta(days=7), Stage.MONTH: timedelta(days=30)}


class TrackCheckQuerySet(models.QuerySet):
    def for_learner(self, user, learner_key):
        """Return the checks of the learner's own attempts."""
        return self.filter(
            attempt__in=Attempt.objects.for_learner(user, learner_key).values("pk")
        )


class TrackCheck(models.Model):
    """Which track and stage a check attempt measures.

    The attempt holds the learner, the answers and the score, so this row
    follows it: claimed, exported and erased with the learner's attempts.
    """

    attempt = models.OneToOneField(
        Attempt,
        on_delete=models.CASCADE,
        related_name="track_check",
        verbose_name=_("attempt"),
    )
    track = models.ForeignKey(
        Track, on_delete=models.CASCADE, related_name="checks", verbose_name=_("track")
    )
    stage = models.CharField(_("stage"), max_length=5, choices=Stage.choices)

    objects = TrackCheckQuerySet.as_manager()

    class Meta:
        verbose_name = _("track check")
        verbose_name_plural = _("track checks")

    def __str__(self):
        return f"{self.track} · {self.get_stage_display()}"


def due_at(post_completed_at, stage):
    return post_completed_at + DELAYS[stage] if post_completed_at else None


def is_due(post_completed_at, stage, now=None):
    when = due_at(post_completed_at, stage)
    return when is not None and when <= (now or timezone.now())

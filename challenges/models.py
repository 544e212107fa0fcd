import re
import secrets
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from quizzes.models import LearnerOwned, LearnerQuerySet, Quiz

LIFETIME = timedelta(days=30)
MESSAGE_LENGTH = 140

# A line from the sender may carry no way to reach anyone: no address, no
# number (a phone, an account, an amount), so that the site cannot be used
# to pass on the very messages it warns about.
LINK = re.compile(
    r"https?:|www\.|@|\w\.\w{2,}|[\w\u4e00-\u9fff][.。．]\s*(com|cn|net|org|top|xyz|example)\b",
    re.IGNORECASE,
)
NUMBER = re.compile(
    r"\d|[零〇一二三四五六七八九十百千万亿壹贰叁肆伍陆柒捌玖拾佰仟两]{3,}"
)


def validate_message(text):
    if LINK.search(text):
        raise ValidationError(
            _("The note cannot hold a link or an address."), code="link"
        )
    if NUMBER.search(text):
        raise ValidationError(
            _("The note cannot hold numbers: no phone numbers, accounts or amounts."),
            code="number",
        )


class ChallengeQuerySet(LearnerQuerySet):
    def live(self):
        return self.filter(expires_at__gt=timezone.now(), quiz__is_published=True)

    def expired(self):
        return self.filter(expires_at__lte=timezone.now())


class Challenge(LearnerOwned):
    """A quiz a learner passes on to someone, with a short note.

    It says nothing about whoever opens it, and tells the sender nothing
    back: opening it starts the quiz like any other visit.
    """

    token = models.CharField(max_length=32, unique=True, editable=False)
    quiz = models.ForeignKey(
        Quiz, on_delete=models.CASCADE, related_name="+", verbose_name=_("quiz")
    )
    message = models.CharField(
        _("note"),
        max_length=MESSAGE_LENGTH,
        blank=True,
        validators=[validate_message],
    )
    created_at = models.DateTimeField(_("made"), default=timezone.now, editable=False)
    expires_at = models.DateTimeField(_("expires"))

    objects = ChallengeQuerySet.as_manager()

    class Meta:
        ordering = ("-created_at",)
        verbose_name = _("challenge link")
        verbose_name_plural = _("challenge links")

    def save(self, *args, **kwargs):
        if not self.token:
            self.token = secrets.token_urlsafe(16)
        if not self.expires_at:
            self.expires_at = self.created_at + LIFETIME
        super().save(*args, **kwargs)

    def __str__(self):
        return str(self.quiz)

    def get_absolute_url(self):
        return reverse("challenges:open", args=[self.token])

import secrets

from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from quizzes.models import Attempt, Quiz

# Crockford's base32 without the letters people misread (I, L, O, U).
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
# 12 characters of 5 bits: 60 bits, far too many to guess one by trying.
CODE_LENGTH = 12


def new_code():
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(text):
    """Return the code as stored, from what a reader typed (dashes, case, O for 0)."""
    text = "".join(str(text).split()).upper().replace("-", "")
    return text.translate(str.maketrans({"O": "0", "I": "1", "L": "1"}))


class CertificateQuerySet(models.QuerySet):
    def issue(self, attempt):
        """Return the attempt's certificate, issuing it on the first request.

        Only a finished attempt at the pass mark earns one; None otherwise.
        """
        if attempt.is_review or not attempt.is_finished or not attempt.passed():
            return None
        existing = self.filter(attempt=attempt).select_related("quiz").first()
        if existing:
            return existing
        with transaction.atomic():
            certificate, _created = self.get_or_create(
                attempt=attempt,
                defaults={
                    "quiz_id": attempt.quiz_id,
                    "code": new_code(),
                    "issued_on": timezone.localdate(attempt.completed_at),
                },
            )
        return certificate


class Certificate(models.Model):
    """Proof that someone passed a quiz, which names nobody.

    It holds the quiz, the day and a code. Whoever has the code can check
    it at /verify/; a name on the printed page is typed when printing and
    never stored.
    """

    code = models.CharField(_("code"), max_length=CODE_LENGTH, unique=True)
    quiz = models.ForeignKey(
        Quiz, on_delete=models.PROTECT, related_name="+", verbose_name=_("quiz")
    )
    # Kept when the attempt is erased with its learner: the certificate
    # still proves the pass, and it never said who passed.
    attempt = models.OneToOneField(
        Attempt,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="certificate",
    )
    issued_on = models.DateField(_("passed on"))

    objects = CertificateQuerySet.as_manager()

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")

    def __str__(self):
        return self.display_code

    @property
    def display_code(self):
        return "-".join(self.code[i : i + 4] for i in range(0, len(self.code), 4))

    def get_absolute_url(self):
        return reverse("certificates:detail", args=[self.code])

    def get_verify_url(self):
        return reverse("certificates:verify", args=[self.code])

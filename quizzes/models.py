import random
import secrets
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Case, CharField, Count, Q, Sum, Value, When
from django.db.models.functions import Cast, Concat
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from awareness.models import (
    CaseStudy,
    ChainLink,
    ContentQuerySet,
    Guide,
    PrecautionTip,
    Publishable,
    Source,
    Translatable,
)
from awareness.validators import editorial_date

from . import confidence as certainty, scheduling
from .misconceptions import Misconception


def new_choice_key():
    # Option values in forms: random, so that no value hints at the answer.
    return secrets.token_urlsafe(9)


class QuizQuerySet(ContentQuerySet):
    def with_question_count(self):
        """Annotate how many published questions each quiz has."""
        return self.annotate(
            question_count=Count(
                "questions", filter=Q(questions__is_published=True), distinct=True
            )
        )

    def teaching(self, item):
        """Return the quizzes with a question that teaches this case or tip."""
        field = "case_study" if isinstance(item, CaseStudy) else "tip"
        return self.filter(**{f"questions__{field}": item}).distinct()

    def not_finished_by(self, user, learner_key):
        """Leave out the quizzes this learner has finished at least once."""
        finished = (
            Attempt.objects.for_learner(user, learner_key)
            .finished()
            # NOT IN with a NULL in it would leave out every quiz.
            .filter(quiz__isnull=False)
            .values("quiz")
        )
        return self.exclude(pk__in=finished)

    def next_after(self, quiz):
        """Return the first quiz after this one in order, else the first one.

        One query: these are a handful of quizzes, compared in Python the
        way Meta.ordering sorts them.
        """
        others = list(self.exclude(pk=quiz.pk).order_by("order", "title", "pk"))
        later = [
            other
            for other in others
            if (other.order, other.title) > (quiz.order, quiz.title)
        ]
        return (later or others or [None])[0]


class Quiz(Publishable):
    class Feedback(models.TextChoices):
        IMMEDIATE = "immediate", _("After each answer")
        END = "end", _("At the end")

    feedback = models.CharField(
        _("feedback"),
        max_length=10,
        choices=Feedback.choices,
        default=Feedback.IMMEDIATE,
    )
    pass_mark = models.PositiveSmallIntegerField(
        _("pass mark (%)"),
        default=70,
        help_text=_("The score needed to pass, in percent."),
    )
    shuffle_questions = models.BooleanField(_("shuffle questions"), default=True)
    shuffle_choices = models.BooleanField(_("shuffle options"), default=True)
    draw = models.PositiveSmallIntegerField(
        _("questions drawn"),
        default=0,
        help_text=_("How many questions each attempt draws at random; 0 for all."),
    )
    # Off by default: elsewhere how sure a learner says they are is fed
    # back, and never changes the score.
    certainty_based_marking = models.BooleanField(
        _("certainty-based marking"),
        default=False,
        help_text=_(
            "Scam-or-legit answers then need a “How sure are you?” rating, and "
            "the score follows it: a sure right answer earns more, a sure "
            "wrong one costs more."
        ),
    )

    objects = QuizQuerySet.as_manager()

    class Meta(Publishable.Meta):
        verbose_name = _("quiz")
        verbose_name_plural = _("quizzes")
        permissions = [
            ("view_quiz_statistics", _("Can view quiz statistics")),
        ]

    def get_absolute_url(self):
        return reverse("quizzes:quiz_detail", args=[self.slug])

    def publish_problems(self, *, without=None):
        """Return why this quiz cannot be published (or stay published).

        ``without`` is a question about to be unpublished, moved or deleted.
        """
        published = self.questions.published() if self.pk else Question.objects.none()
        if without is not None:
            published = published.exclude(pk=without.pk)
        if published.exists():
            return []
        return [_("A published quiz needs at least one published question.")]

    def duplicate(self):
        """Copy the quiz, its sources and its questions as a new draft."""
        with transaction.atomic():
            copy = Quiz.objects.get(pk=self.pk)
            copy.pk = None
            copy.title = _("%(title)s (copy)") % {"title": self.title[:180]}
            copy.slug = unique_value(Quiz, "slug", f"{self.slug}-copy", 200)
            copy.is_published = False
            copy.loaded_digest, copy.loaded_at = "", None
            copy.save()
            copy.sources.set(self.sources.all())
            for question in self.questions.prefetch_related("choices"):
                question.duplicate(quiz=copy, keep_state=True)
        return copy


def unique_value(model, field, base, max_length):
    """Return ``base``, or ``base-2``, ``base-3``…, whichever is still free."""
    taken = set(
        model.objects.filter(**{f"{field}__startswith": base[:max_length]}).values_list(
            field, flat=True
        )
    )
    candidate, n = base[:max_length], 1
    while candidate in taken:
        n += 1
        suffix = f"-{n}"
        candidate = base[: max_length - len(suffix)] + suffix
    return candidate


class QuestionQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_published=True)

    def verified_before(self, day):
        return self.filter(last_verified__lt=day)


class Question(Translatable):
    class Kind(models.TextChoices):
        SINGLE = "single", _("Single choice")
        TRUE_FALSE = "true_false", _("True or false")
        MULTIPLE = "multiple", _("Select all that apply")
        SCAM_OR_LEGIT = "scam_or_legit", _("Scam or legit?")
        RED_FLAGS = "red_flags", _("Spot the red flags")

    class Topic(models.TextChoices):
        CALLS = "calls", _("Suspicious calls and messages")
        DOCUMENTS = "documents", _("Documents and accounts")
        SHOPPING = "shopping", _("Online shopping and couriers")
        JOBS = "jobs", _("Jobs and the workplace")
        RESPONSE = "response", _("What to do after a leak")
        INVESTMENT = "investment", _("Investment and loans")
        IMPERSONATION = "impersonation", _("Impersonation")

    class Skill(models.TextChoices):
        SPOT = "spot", _("Spot: tell a scam from a genuine message")
        ACT = "act", _("Act: choose what to do next")
        RECALL = "recall", _("Recall: know a fact or a rule")

    class Channel(models.TextChoices):
        SMS = "sms", _("Text message")
        CALL = "call", _("Phone call")
        CHAT = "chat", _("Chat message")
        EMAIL = "email", _("E-mail")
        JOB_POST = "job_post", _("Job posting")
        COURIER_SLIP = "courier_slip", _("Courier slip")
        PAYMENT = "payment", _("Payment screen")
        WEB = "web", _("Web page")
        APP_DOWNLOAD = "app_download", _("App download page")

    quiz = models.ForeignKey(
        Quiz, on_delete=models.CASCADE, related_name="questions", verbose_name=_("quiz")
    )
    key = models.SlugField(_("key"), max_length=100, unique=True)
    kind = models.CharField(_("kind"), max_length=15, choices=Kind.choices)
    topic = models.CharField(_("topic"), max_length=20, choices=Topic.choices)
    # A review shows another variant of the family rather than the very
    # message the learner saw, so that it trains the cue, not the memory.
    family = models.SlugField(
        _("family"),
        max_length=100,
        blank=True,
        help_text=_(
            "Questions that test the same cue on a different surface (another "
            "sender, channel or wording) share a family."
        ),
    )
    skill = models.CharField(
        _("skill"),
        max_length=10,
        choices=Skill.choices,
        # Required in the admin; blank for rows written before skills were
        # named. The content tests require it of every published question.
        blank=True,
        help_text=_(
            "What answering it takes: spotting, choosing an action, or recall."
        ),
    )
    prompt = models.TextField(_("question"))
    channel = models.CharField(
        _("channel"),
        max_length=15,
        choices=Channel.choices,
        blank=True,
        help_text=_("With a channel, the question shows its message as a mock-up."),
    )
    sender = models.CharField(
        _("sender"),
        max_length=200,
        blank=True,
        help_text=_(
            "As the screen shows it: the number, name, address, payee, web "
            "address or developer. Fictional, with .example domains only."
        ),
    )
    subject = models.CharField(
        _("headline"),
        max_length=200,
        blank=True,
        help_text=_(
            "The channel's headline: an e-mail's subject, a job's title, a page's "
            "title, an app's name, a call's location line, a payment's amount or "
            "a slip's tracking number."
        ),
    )
    sent_at = models.CharField(
        _("time shown"),
        max_length=40,
        blank=True,
        help_text=_("As the screen shows it: “10:02”, “Yesterday 21:40”."),
    )
    details = models.TextField(
        _("details"),
        blank=True,
        help_text=_("Further fields of the mock-up, one “Label: value” per line."),
    )
    body = models.TextField(
        _("message"),
        blank=True,
        help_text=_(
            "In chats and calls, one line per bubble or turn; a line starting "
            "with “> ” is the learner's own. A chat line may be a card: "
            "“[transfer] ¥500 | note”, “[red packet] text”, “[qr] caption”, "
            "“[voice] 0:12 | words”, “[image] caption”."
        ),
    )
    is_scam = models.BooleanField(
        _("is a scam"), null=True, blank=True, help_text=_("For scam-or-legit items.")
    )
    explanation = models.TextField(_("explanation"), help_text=_("Markdown."))
    # The pages a question may link to, after it is answered, to learn more.
    TEACHING_PAGES = ("case_study", "tip", "guide", "chain_link")
    case_study = models.ForeignKey(
        CaseStudy,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="questions",
        verbose_name=_("case study it teaches"),
    )
    tip = models.ForeignKey(
        PrecautionTip,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="questions",
        verbose_name=_("tip it teaches"),
    )
    guide = models.ForeignKey(
        Guide,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="questions",
        verbose_name=_("guide it teaches"),
    )
    chain_link = models.ForeignKey(
        ChainLink,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="questions",
        verbose_name=_("chain link it teaches"),
    )
    source = models.ForeignKey(
        Source,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("source"),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    last_verified = models.DateField(
        _("last verified"),
        help_text=_("When the facts were last checked against the source."),
        validators=[editorial_date],
    )
    # New questions start as drafts, so that a live quiz never shows a
    # half-written one.
    is_published = models.BooleanField(
        _("published"),
        default=False,
        help_text=_("Learners only get published questions."),
    )

    objects = QuestionQuerySet.as_manager()

    class Meta:
        ordering = ("order", "pk")
        verbose_name = _("question")
        verbose_name_plural = _("questions")

    def __str__(self):
        return self.prompt[:80]

    def clean(self):
        errors = {}
        if self.kind in self.SHOWS_MESSAGE and not self.channel:
            errors["channel"] = _("A mock message needs its channel.")
        if self.kind == self.Kind.SCAM_OR_LEGIT:
            if self.is_scam is None:
                errors["is_scam"] = _("A scam-or-legit question needs its verdict.")
            if not self.body.strip():
                errors["body"] = _("A scam-or-legit question needs the message.")
        if errors:
            raise ValidationError(errors)

    def duplicate(self, *, quiz=None, keep_state=False):
        """Copy the question and its options, as a draft unless told otherwise."""
        choices = list(self.choices.all())
        with transaction.atomic():
            copy = Question.objects.get(pk=self.pk)
            copy.pk = None
            copy.quiz = quiz or self.quiz
            copy.key = unique_value(Question, "key", f"{self.key}-copy", 100)
            copy.is_published = self.is_published and keep_state
            copy.save()
            Choice.objects.bulk_create(
                Choice(
                    question=copy,
                    text=choice.text,
                    is_correct=choice.is_correct,
                    explanation=choice.explanation,
                    misconception=choice.misconception,
                    order=choice.order,
                )
                for choice in choices
            )
        return copy

    def teaches(self):
        """Return the pages that teach this question, for "learn more" links."""
        return [
            page
            for page in (getattr(self, name) for name in self.TEACHING_PAGES)
            if page is not None
        ]

    @classmethod
    def teaching_pages_texts(cls, prefix=""):
        """Return the long texts of the pages that teach a question, to defer.

        Feedback links to those pages by title alone, so it need not read
        their bodies, in every language.
        """
        return [
            f"{prefix}{name}__{field.name}"
            for name in cls.TEACHING_PAGES
            for field in cls._meta.get_field(name).related_model._meta.concrete_fields
            if isinstance(field, models.TextField)
        ]

    # Kinds that are about a message, and so always show one.
    SHOWS_MESSAGE = ("scam_or_legit", "red_flags")

    @property
    def is_mock(self):
        """True when the question shows its message as a mock-up."""
        return bool(self.channel)

    @property
    def allows_many(self):
        return self.kind in (self.Kind.MULTIPLE, self.Kind.RED_FLAGS)

    @property
    def keeps_option_order(self):
        """True/false, scam/legit and message segments read in a fixed order."""
        return self.kind in (
            self.Kind.TRUE_FALSE,
            self.Kind.SCAM_OR_LEGIT,
            self.Kind.RED_FLAGS,
        )

    def choice_problems(self, choices):
        """Return what is wrong with these options for this kind of question."""
        right = sum(1 for choice in choices if choice.is_correct)
        problems = []
        if self.kind in (
            self.Kind.SINGLE,
            self.Kind.TRUE_FALSE,
            self.Kind.SCAM_OR_LEGIT,
        ):
            if right != 1:
                problems.append(
                    _("A single-answer question needs exactly one right option.")
                )
        elif self.kind == self.Kind.MULTIPLE and not right:
            problems.append(_("A select-all question needs at least one right option."))
        elif self.kind == self.Kind.RED_FLAGS and right == len(choices):
            # No red flag at all is allowed: an all-clear message teaches
            # that not everything is a scam.
            problems.append(_("A red-flag question needs at least one harmless part."))
        if len(choices) < 2:
            problems.append(_("A question needs at least two options."))
        elif len(choices) > 2 and self.kind == self.Kind.TRUE_FALSE:
            problems.append(_("A true-or-false question has exactly two options."))
        elif len(choices) > 2 and self.kind == self.Kind.SCAM_OR_LEGIT:
            problems.append(
                _("A scam-or-legit question has exactly two options: scam and legit.")
            )
        return problems

    def grade(self, selected):
        """Return the mark (0 to 1) for the selected choices of this question.

        Select-all and red-flag questions give partial credit that punishes
        guessing: (right picks - wrong picks) / right options, never below 0.
        A red-flag message with no red flag is answered right by flagging
        nothing (an empty selection: "nothing here looks suspicious").
        """
        choices = list(self.choices.all())
        right = {c.pk for c in choices if c.is_correct}
        picked = {c.pk for c in selected}
        if not self.allows_many:
            return 1.0 if picked and picked <= right and len(picked) == 1 else 0.0
        if not right:
            return 0.0 if picked else 1.0
        hits = len(picked & right)
        wrong = len(picked - right)
        return max(0.0, (hits - wrong) / len(right))


def count_cues(choices, chosen):
    """Return (red flags found, red flags in all, decoys flagged)."""
    chosen = set(chosen)
    flags = [c for c in choices if c.is_correct]
    found = sum(1 for c in flags if c in chosen)
    return found, len(flags), len(chosen) - found


class Choice(Translatable):
    question = models.ForeignKey(
        Question,
        on_delete=models.CASCADE,
        related_name="choices",
        verbose_name=_("question"),
    )
    key = models.CharField(
        max_length=16, unique=True, default=new_choice_key, editable=False
    )
    text = models.TextField(_("text"))
    is_correct = models.BooleanField(
        _("correct"), default=False, help_text=_("For red-flag questions: a red flag.")
    )
    explanation = models.TextField(_("explanation"))
    misconception = models.CharField(
        _("misconception"),
        max_length=40,
        choices=Misconception.choices,
        blank=True,
        help_text=_(
            "For a wrong option: the mistaken belief that leads learners to it. "
            "The statistics count each belief across questions."
        ),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ("order", "pk")
        verbose_name = _("option")
        verbose_name_plural = _("options")

    def __str__(self):
        return self.text[:80]

    def clean(self):
        if self.is_correct and self.misconception:
            raise ValidationError(
                {"misconception": _("Only a wrong option can carry a misconception.")}
            )


# Who a learner is: a signed-in user, or else the anonymous token kept in
# their session under this key. Everything that asks "whose rows are these"
# starts from `learner_key()` and `LearnerQuerySet.for_learner()`.
LEARNER_SESSION_KEY = "learner"


def learner_key(request, *, create=False):
    """Return the session's anonymous learner token, making one if asked."""
    key = request.session.get(LEARNER_SESSION_KEY, "")
    if not key and create:
        key = request.session[LEARNER_SESSION_KEY] = secrets.token_urlsafe(24)
    return key


# How a learner is named wherever learners are told apart or counted
# (statistics, the staff dashboard, rate limits): the account, else the
# session's token. The function and the expression spell the same names;
# keep them together.
#
# Erasure keeps finished quiz attempts for the statistics, unlinked from
# their learner. Merged into one "learner", every erased attempt would
# collapse: first-attempt figures would keep one of them and a group could
# fall below the minimum or look like one person's marks. Counted one
# learner each, a learner who finished a quiz three times before erasing
# would count three times towards the minimum. So erasure gives each
# learner's attempts at one quiz a new random token of their own
# (ERASED_PREFIX, which no session's token can start with): they count as
# one learner, with one first attempt, yet nothing ties them to the person
# or to their attempts at other quizzes. A row with no token at all was
# unlinked before that, and nothing tells whose it was, so it names a
# learner of its own.
USER_PREFIX, TOKEN_PREFIX, UNLINKED_PREFIX = "user:", "learner:", "unlinked:"
# Session tokens are URL-safe base64, which has no colon.
ERASED_PREFIX = "erased:"


def learner_identity(user_id, learner_key, pk=None):
    """Return the name of the learner behind a row or a request, or None.

    ``pk`` is the row's own, for a row unlinked from its learner; a request
    with neither an account nor a token has no learner.
    """
    if user_id is not None:
        return f"{USER_PREFIX}{user_id}"
    if learner_key:
        return f"{TOKEN_PREFIX}{learner_key}"
    return None if pk is None else f"{UNLINKED_PREFIX}{pk}"


def learner_identity_expression(prefix=""):
    """Return learner_identity() as SQL, for the rows ``prefix`` leads to.

    ``prefix`` is a lookup path ending in "__" ("attempt__" from answers).
    """
    return Case(
        When(
            **{f"{prefix}user__isnull": False},
            then=Concat(Value(USER_PREFIX), Cast(f"{prefix}user", CharField())),
        ),
        When(
            ~Q(**{f"{prefix}learner_key": ""}),
            then=Concat(Value(TOKEN_PREFIX), f"{prefix}learner_key"),
        ),
        default=Concat(Value(UNLINKED_PREFIX), Cast(f"{prefix}pk", CharField())),
        output_field=CharField(),
    )


def learner_rows(user, learner_key, prefix=""):
    """Return the condition for a learner's own rows, or None for nobody.

    ``prefix`` is the lookup path to the learner's rows ("attempt__" from
    answers), so that a query can join them rather than nest a subquery.
    """
    if user.is_authenticated:
        return Q(**{f"{prefix}user": user})
    if not learner_key:
        return None
    return Q(**{f"{prefix}user": None, f"{prefix}learner_key": learner_key})


class LearnerQuerySet(models.QuerySet):
    def for_learner(self, user, learner_key):
        """Return the rows of a signed-in user or of an anonymous session."""
        condition = learner_rows(user, learner_key)
        return self.none() if condition is None else self.filter(condition)

    def anonymous(self):
        """Return anonymous learners' rows: no account, but a session's token."""
        return (
            self.filter(user=None)
            .exclude(learner_key="")
            .exclude(learner_key__startswith=ERASED_PREFIX)
        )

    def claim(self, *, learner_key, user):
        """Give a session's anonymous rows to the account it signed in to.

        Return how many rows the account gained.
        """
        if not learner_key:
            return 0
        theirs = self.filter(user=None, learner_key=learner_key)
        self.already_held(theirs, user).delete()
        cleared = {} if self.claim_keeps_token else {"learner_key": ""}
        return theirs.update(user=user, **cleared)

    # Hooks for claim(), for models that differ.
    claim_keeps_token = False

    def already_held(self, theirs, user):
        """Return the rows of ``theirs`` to drop, as the account has its own."""
        return theirs.none()


# A function, so that a model can give the account's accessor its own name.
def learner_user_field(related_name):
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name=related_name,
        verbose_name=_("learner"),
    )


class LearnerOwned(models.Model):
    """A row of one learner's progress: theirs by account, else by token.

    A signed-in learner's rows have the user; an anonymous learner's have
    none and carry the session's token instead.
    """

    # user.attempts, user.readings: the model's name in the plural.
    user = learner_user_field("%(class)ss")
    # A random token kept in the session: anonymous progress without a name.
    learner_key = models.CharField(max_length=64, blank=True, db_index=True)

    class Meta:
        abstract = True


def is_legit_item(question):
    return question.kind == Question.Kind.SCAM_OR_LEGIT and question.is_scam is False


def draw_questions(questions, count, rng):
    """Draw ``count`` of the questions, keeping the share of legit items.

    A draw of scams alone would teach that every message is one, and would
    score a learner who calls everything a scam as perfect. So the draw
    takes the quiz's share of legit scam-or-legit items (rounded), and at
    least one whenever the quiz has one and the draw holds any
    scam-or-legit item. The drawn questions come in random order.
    """
    legit = [question for question in questions if is_legit_item(question)]
    others = [question for question in questions if not is_legit_item(question)]
    share = round(count * len(legit) / len(questions))
    share = max(0, min(share, len(legit), count), count - len(others))
    drawn = rng.sample(legit, share) + rng.sample(others, count - share)
    if legit and not share:
        verdicts = [
            question
            for question in drawn
            if question.kind == Question.Kind.SCAM_OR_LEGIT
        ]
        if verdicts:
            # Give up a question that is not a verdict if there is one, so
            # that the draw keeps its scam too.
            plain = [question for question in drawn if question not in verdicts]
            drawn.remove(rng.choice(plain or verdicts))
            drawn.append(rng.choice(legit))
    rng.shuffle(drawn)
    return drawn


class AttemptQuerySet(LearnerQuerySet):
    def unfinished(self):
        return self.filter(completed_at__isnull=True)

    def finished(self):
        return self.filter(completed_at__isnull=False)

    def start(self, *, quiz, user, learner_key, language=""):
        """Start an attempt, drawing and ordering its questions once for good.

        The drawn order is stored as one answer row per question, so refresh
        and the back button always show the same thing.
        """
        seed = secrets.randbelow(2**31)
        questions = list(quiz.questions.published())
        rng = random.Random(seed)
        if quiz.draw and quiz.draw < len(questions):
            questions = draw_questions(questions, quiz.draw, rng)
        elif quiz.shuffle_questions:
            rng.shuffle(questions)
        with transaction.atomic():
            attempt = self.create(
                quiz=quiz,
                user=user if user.is_authenticated else None,
                learner_key=learner_key,
                seed=seed,
                language=language,
            )
            Answer.objects.bulk_create(
                Answer(attempt=attempt, question=question, position=position)
                for position, question in enumerate(questions, start=1)
            )
        return attempt

    def start_review(
        self, *, user, learner_key, questions, language="", is_check=False
    ):
        """Start a review attempt over the given questions, in this order.

        The order is the session's (quizzes.review_session interleaves
        topics), so it is kept as given.
        """
        questions = list(questions)
        seed = secrets.randbelow(2**31)
        with transaction.atomic():
            attempt = self.create(
                user=user if user.is_authenticated else None,
                learner_key=learner_key,
                seed=seed,
                language=language,
                is_check=is_check,
            )
            Answer.objects.bulk_create(
                Answer(attempt=attempt, question=question, position=position)
                for position, question in enumerate(questions, start=1)
            )
        return attempt

    # A claimed attempt keeps its token, as attempts started while signed
    # in have one too: on a user's rows only the user counts.
    claim_keeps_token = True


class Attempt(LearnerOwned):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    quiz = models.ForeignKey(
        Quiz,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="attempts",
        verbose_name=_("quiz"),
        help_text=_("Empty for a review or a track's check."),
    )
    # A track's pre-, post- or delayed check (tracks.TrackCheck says which):
    # answered and graded like a quiz, but over items of several quizzes.
    is_check = models.BooleanField(_("track check"), default=False, editable=False)
    seed = models.PositiveIntegerField(editable=False)
    language = models.CharField(_("language"), max_length=10, blank=True)
    started_at = models.DateTimeField(_("started"), auto_now_add=True)
    completed_at = models.DateTimeField(_("finished"), null=True, blank=True)
    score = models.FloatField(
        _("score (%)"), null=True, blank=True, help_text=_("Set when finished.")
    )

    objects = AttemptQuerySet.as_manager()

    class Meta:
        ordering = ("-started_at",)
        verbose_name = _("attempt")
        verbose_name_plural = _("attempts")
        permissions = [
            ("view_learner_progress", _("Can view an individual learner's progress")),
        ]

    def __str__(self):
        return f"{self.title} ({self.started_at:%Y-%m-%d %H:%M})"

    def get_absolute_url(self):
        return reverse("quizzes:attempt_detail", args=[self.public_id])

    @property
    def is_review(self):
        return self.quiz_id is None and not self.is_check

    @property
    def title(self):
        if self.is_check:
            return _("Knowledge check")
        return self.quiz.title if self.quiz else _("Review")

    @property
    def gives_immediate_feedback(self):
        # A check measures: feedback on one item would teach the next.
        if self.is_check:
            return False
        return self.is_review or self.quiz.feedback == Quiz.Feedback.IMMEDIATE

    @property
    def is_finished(self):
        return self.completed_at is not None

    def passed(self):
        """Return True if the finished attempt reached the quiz's pass mark."""
        if self.quiz_id is None or self.score is None:
            return False
        return self.score >= self.quiz.pass_mark

    @property
    def uses_cbm(self):
        return self.quiz_id is not None and self.quiz.certainty_based_marking

    def shuffled_choices(self, question):
        """Return the question's options in this attempt's stable order."""
        choices = list(question.choices.all())
        shuffle = self.quiz_id is None or self.quiz.shuffle_choices
        if shuffle and not question.keeps_option_order:
            random.Random(f"{self.seed}-{question.pk}").shuffle(choices)
        return choices

    def finish(self):
        """Score and close the attempt; return False if it was closed already.

        The conditional update makes a double click or a second tab finish
        the attempt once.
        """
        if self.uses_cbm:
            rows = list(self.answers.values_list("confidence", "mark", "answered_at"))
            if any(answered_at is None for _c, _m, answered_at in rows):
                return False
            score = certainty.cbm_score((level, mark) for level, mark, _at in rows)
        else:
            totals = self.answers.aggregate(
                marks=Sum("mark", default=0.0),
                count=Count("pk"),
                unanswered=Count("pk", filter=Q(answered_at__isnull=True)),
            )
            if totals["unanswered"]:
                return False
            score = (
                round(100 * totals["marks"] / totals["count"], 1)
                if totals["count"]
                else 0
            )
        now = timezone.now()
        closed = Attempt.objects.filter(pk=self.pk, completed_at__isnull=True).update(
            completed_at=now, score=score
        )
        if closed:
            self.completed_at, self.score = now, score
        return bool(closed)


class Answer(models.Model):
    """One drawn question of an attempt, and the learner's answer once given."""

    attempt = models.ForeignKey(
        Attempt,
        on_delete=models.CASCADE,
        related_name="answers",
        verbose_name=_("attempt"),
    )
    question = models.ForeignKey(
        Question,
        on_delete=models.CASCADE,
        related_name="answers",
        verbose_name=_("question"),
    )
    position = models.PositiveSmallIntegerField(_("question number"))
    choices = models.ManyToManyField(
        Choice, related_name="answers", blank=True, verbose_name=_("options chosen")
    )
    mark = models.FloatField(_("mark"), null=True, blank=True)
    # Asked of scam-or-legit items only; left empty where the learner did
    # not say. The raw mark above stays 0 to 1 either way, so that item
    # analysis, mastery and reviews read the same marks in every quiz.
    confidence = models.PositiveSmallIntegerField(
        _("how sure"),
        choices=certainty.Confidence.choices,
        null=True,
        blank=True,
    )
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)

    class Meta:
        ordering = ("position",)
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [
            models.UniqueConstraint(
                fields=("attempt", "question"), name="one_answer_per_question"
            ),
            models.UniqueConstraint(
                fields=("attempt", "position"), name="one_question_per_position"
            ),
        ]

    def __str__(self):
        return f"{self.attempt} #{self.position}"

    @property
    def is_answered(self):
        return self.answered_at is not None

    @property
    def is_correct(self):
        return self.mark == 1.0

    @property
    def is_confidently_wrong(self):
        return certainty.is_confidently_wrong(self.confidence, self.mark)

    @property
    def cbm_mark(self):
        """Return the certainty-based mark, or None for an unrated answer."""
        if self.confidence is None or self.mark is None:
            return None
        return certainty.cbm_mark(self.confidence, self.mark)

    def cues(self):
        """Return (red flags found, red flags in all, decoys flagged)."""
        return count_cues(self.question.choices.all(), self.choices.all())

    def record(self, choices, confidence=None):
        """Record the learner's choices once; return False if already answered.

        Only the first of two racing submissions passes the conditional
        update, so an answer is never counted twice.
        """
        mark = self.question.grade(choices)
        now = timezone.now()
        with transaction.atomic():
            recorded = Answer.objects.filter(
                pk=self.pk, answered_at__isnull=True
            ).update(mark=mark, confidence=confidence, answered_at=now)
            if recorded:
                Answer.choices.through.objects.bulk_create(
                    Answer.choices.through(answer_id=self.pk, choice_id=choice.pk)
                    for choice in choices
                )
                ReviewItem.objects.schedule(
                    attempt=self.attempt, question=self.question, mark=mark
                )
        if recorded:
            self.mark, self.confidence, self.answered_at = mark, confidence, now
        return bool(recorded)


class ReadingQuerySet(LearnerQuerySet):
    def record(self, *, user, learner_key, item):
        """Note that a learner opened a case study or a tip, once per item."""
        owner = (
            {"user": user} if user.is_authenticated else {"learner_key": learner_key}
        )
        if not user.is_authenticated and not learner_key:
            return None
        field = "case_study" if isinstance(item, CaseStudy) else "tip"
        reading, _created = self.get_or_create(**owner, **{field: item})
        return reading

    def already_held(self, theirs, user):
        """Return the session's readings of items the account has read."""
        mine = self.filter(user=user)
        return theirs.filter(
            Q(case_study__in=mine.values("case_study")) | Q(tip__in=mine.values("tip"))
        )


class Reading(LearnerOwned):
    """A case study or tip a learner has opened, shown on My progress."""

    case_study = models.ForeignKey(
        CaseStudy, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    tip = models.ForeignKey(
        PrecautionTip, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    read_at = models.DateTimeField(auto_now_add=True)

    objects = ReadingQuerySet.as_manager()

    class Meta:
        verbose_name = _("reading")
        verbose_name_plural = _("readings")
        constraints = [
            models.CheckConstraint(
                condition=Q(case_study__isnull=True) ^ Q(tip__isnull=True),
                name="reading_of_one_item",
            ),
            *(
                models.UniqueConstraint(
                    fields=(owner, item),
                    condition=Q(user__isnull=owner == "learner_key")
                    & Q(**{f"{item}__isnull": False}),
                    name=f"one_reading_per_{owner}_{item}",
                )
                for owner in ("user", "learner_key")
                for item in ("case_study", "tip")
            ),
        ]

    def __str__(self):
        return str(self.case_study or self.tip)


class ReviewItemQuerySet(LearnerQuerySet):
    def due(self, at=None):
        return self.filter(due_at__lte=at or timezone.now())

    def live(self):
        """Leave out questions staff have taken back to draft."""
        return self.filter(question__is_published=True)

    def schedule(self, *, attempt, question, mark):
        """Review the question's family card after the learner answered it.

        Every answer counts, in a quiz or a review, right or wrong: it is
        one retrieval, and FSRS (quizzes.scheduling) says when the family
        comes back. The caller records the answer once (Answer.record), so
        an answer is never counted twice.
        """
        if not attempt.user_id and not attempt.learner_key:
            return
        owner = (
            {"user_id": attempt.user_id}
            if attempt.user_id
            else {"user": None, "learner_key": attempt.learner_key}
        )
        family = scheduling.family_key(question)
        # A card made before the question joined its family is the family's
        # card too: it is found through its question, and renamed.
        same = Q(family=family)
        if question.family:
            same |= Q(question__family=question.family)
        items = list(
            self.select_for_update(of=("self",))
            .filter(**owner)
            .filter(same)
            .order_by("-last_review", "pk")
        )
        now = timezone.now()
        if not items:
            item = scheduling.review(
                self.model(**owner, family=family, question=question), mark, now
            )
            # If another request made the card a moment ago, that will do:
            # the conflict is ignored, and no savepoint is needed.
            self.bulk_create([item], ignore_conflicts=True)
            return
        item, *older = items
        if older:
            self.filter(pk__in=[other.pk for other in older]).delete()
        scheduling.review(item, mark, now)
        item.family, item.question = family, question
        item.save(
            update_fields=[
                "family",
                "question",
                "state",
                "stability",
                "difficulty",
                "due_at",
                "last_review",
                "reps",
                "lapses",
            ]
        )

    def already_held(self, theirs, user):
        """Return the session's families the account has cards for: it keeps its."""
        return theirs.filter(family__in=self.filter(user=user).values("family"))


class ReviewItem(LearnerOwned):
    """One learner's FSRS card for one item family: when it comes back."""

    # The base's name would read "reviewitems".
    user = learner_user_field("review_items")
    family = models.CharField(_("family"), max_length=110)
    # The variant last answered: a review shows another one when it can.
    question = models.ForeignKey(
        Question, on_delete=models.CASCADE, related_name="review_items"
    )
    # FSRS's card (fsrs.Card): state, stability in days, difficulty 1-10.
    state = models.PositiveSmallIntegerField(default=2)
    stability = models.FloatField(null=True)
    difficulty = models.FloatField(null=True)
    due_at = models.DateTimeField()
    last_review = models.DateTimeField(null=True)
    reps = models.PositiveIntegerField(default=0)
    lapses = models.PositiveIntegerField(default=0)

    objects = ReviewItemQuerySet.as_manager()

    class Meta:
        ordering = ("due_at", "pk")
        verbose_name = _("review item")
        verbose_name_plural = _("review items")
        constraints = [
            models.UniqueConstraint(
                fields=("user", "family"),
                condition=Q(user__isnull=False),
                name="one_review_per_user_family",
            ),
            models.UniqueConstraint(
                fields=("learner_key", "family"),
                condition=Q(user__isnull=True),
                name="one_review_per_session_family",
            ),
        ]

    def __str__(self):
        return f"{self.family} ({self.due_at:%Y-%m-%d})"


def new_calendar_token():
    return secrets.token_urlsafe(24)


class ReviewCalendarQuerySet(LearnerQuerySet):
    def already_held(self, theirs, user):
        """The account's own calendar link stays; the session's goes."""
        if self.filter(user=user).exists():
            return theirs
        return theirs.none()

    def renew(self, *, user, learner_key):
        """Give the learner a new private link, revoking the old one."""
        owner = (
            {"user": user}
            if user.is_authenticated
            else {"user": None, "learner_key": learner_key}
        )
        with transaction.atomic():
            self.for_learner(user, learner_key).delete()
            return self.create(**owner)


class ReviewCalendar(LearnerOwned):
    """A learner's private calendar feed of due reviews, by a random token.

    The feed says only when reviews fall due, with the site's review page:
    nothing about the learner. Renewing the link makes a new token, and so
    revokes the old one.
    """

    user = learner_user_field("review_calendars")
    token = models.CharField(
        max_length=64, unique=True, default=new_calendar_token, editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ReviewCalendarQuerySet.as_manager()

    class Meta:
        verbose_name = _("review calendar")
        verbose_name_plural = _("review calendars")
        constraints = [
            models.UniqueConstraint(
                fields=("user",),
                condition=Q(user__isnull=False),
                name="one_calendar_per_user",
            ),
            models.UniqueConstraint(
                fields=("learner_key",),
                condition=Q(user__isnull=True),
                name="one_calendar_per_session",
            ),
        ]

    def __str__(self):
        return str(_("review calendar"))

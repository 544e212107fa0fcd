"""Branching scam simulations: what the other side says, and what you do.

A Simulation is a small graph of Steps (the other side's turn, drawn with
the quiz mock-ups) whose Choices lead to another step or to an Ending. A
learner's Run records each Turn they took, so that the debrief can show the
path, and the statistics which choice learners take at each step.
"""

import hashlib
import random
import uuid

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from awareness.models import (
    CaseStudy,
    ChainLink,
    ContentQuerySet,
    Publishable,
    Translatable,
)
from quizzes.confidence import Confidence
from quizzes.misconceptions import Misconception
from quizzes.models import LearnerOwned, LearnerQuerySet, Question

from . import graph


class Leak(models.TextChoices):
    """What a choice hands over to the other side."""

    NAME = "name", _("your name")
    PHONE = "phone", _("your phone number")
    ID_NUMBER = "id_number", _("your ID card number")
    BANK_CARD = "bank_card", _("your bank card")
    VERIFICATION_CODE = "verification_code", _("a verification code")
    ADDRESS = "address", _("your address")
    ORDER_DETAILS = "order_details", _("your order details")
    SCREEN = "screen", _("what is on your screen")
    PHOTO = "photo", _("your photo or face")
    MONEY = "money", _("your money")
    DEVICE = "device", _("control of your device")


def validate_leaks(value):
    unknown = [part for part in split_leaks(value) if part not in Leak.values]
    if unknown:
        raise ValidationError(
            _("Unknown kinds of data: %(kinds)s. Use: %(known)s."),
            params={"kinds": ", ".join(unknown), "known": ", ".join(Leak.values)},
        )


def split_leaks(value):
    return [part.strip() for part in (value or "").split(",") if part.strip()]


class SimulationQuerySet(ContentQuerySet):
    def about(self, case_study):
        """Return the simulations that let learners play through this case."""
        return self.filter(case_study=case_study)


class Simulation(Publishable):
    case_study = models.ForeignKey(
        CaseStudy,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="simulations",
        verbose_name=_("case study"),
    )
    start = models.ForeignKey(
        "Step",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("first step"),
    )

    objects = SimulationQuerySet.as_manager()

    class Meta(Publishable.Meta):
        verbose_name = _("simulation")
        verbose_name_plural = _("simulations")
        permissions = [
            ("view_simulation_statistics", _("Can view simulation statistics")),
        ]

    def get_absolute_url(self):
        return reverse("simulations:detail", args=[self.slug])

    def graph_problems(self):
        """Return why this simulation cannot be played, in words (or [])."""
        if not self.pk:
            return [str(_("The simulation has no steps yet."))]
        steps = {
            step.key: [
                graph.Edge(
                    choice=choice.key,
                    step=choice.next_step.key if choice.next_step_id else "",
                    ending=choice.ending.key if choice.ending_id else "",
                )
                for choice in step.choices.all()
            ]
            for step in self.steps.prefetch_related(
                "choices__next_step", "choices__ending"
            )
        }
        endings = dict(self.endings.values_list("key", "outcome"))
        start = self.start.key if self.start_id else ""
        return graph.problems(start, steps, endings)


class Step(Translatable):
    """The other side's turn: a message, a call, a screen, then a question."""

    simulation = models.ForeignKey(
        Simulation,
        on_delete=models.CASCADE,
        related_name="steps",
        verbose_name=_("simulation"),
    )
    key = models.SlugField(_("key"), max_length=60)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    narration = models.TextField(
        _("narration"),
        blank=True,
        help_text=_("Plain text: what happens before this turn, in a sentence."),
    )
    # The mock-up, with the same fields and meaning as a question's.
    channel = models.CharField(
        _("channel"), max_length=15, choices=Question.Channel.choices
    )
    sender = models.CharField(_("sender"), max_length=200, blank=True)
    subject = models.CharField(_("headline"), max_length=200, blank=True)
    sent_at = models.CharField(_("time shown"), max_length=40, blank=True)
    details = models.TextField(
        _("details"), blank=True, help_text=_("One “Label: value” per line.")
    )
    body = models.TextField(
        _("message"),
        blank=True,
        help_text=_(
            "In chats and calls one line per bubble or turn; “> ” starts the "
            "learner's own line."
        ),
    )
    prompt = models.CharField(_("question"), max_length=200, default="", blank=True)

    # The mock-up renderer asks a question's kind; a step has no red flags.
    kind = ""

    class Meta:
        ordering = ("simulation", "order", "pk")
        verbose_name = _("step")
        verbose_name_plural = _("steps")
        constraints = [
            models.UniqueConstraint(
                fields=("simulation", "key"), name="one_step_per_key"
            ),
        ]

    def __str__(self):
        return f"{self.simulation} · {self.key}"


class Ending(Translatable):
    class Outcome(models.TextChoices):
        SAFE = "safe", _("Safe")
        RECOVERED = "recovered", _("Stopped in time")
        UNSAFE = "unsafe", _("Scammed")

    simulation = models.ForeignKey(
        Simulation,
        on_delete=models.CASCADE,
        related_name="endings",
        verbose_name=_("simulation"),
    )
    key = models.SlugField(_("key"), max_length=60)
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices)
    score = models.PositiveSmallIntegerField(
        _("score"),
        validators=[MaxValueValidator(100)],
        help_text=_("Out of 100: safe 100, stopped in time partly, scammed 0."),
    )
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("what happens next"), help_text=_("Markdown."))

    class Meta:
        ordering = ("simulation", "-score", "pk")
        verbose_name = _("ending")
        verbose_name_plural = _("endings")
        constraints = [
            models.UniqueConstraint(
                fields=("simulation", "key"), name="one_ending_per_key"
            ),
        ]

    def __str__(self):
        return f"{self.simulation} · {self.title}"


class Choice(Translatable):
    class Safety(models.TextChoices):
        SAFE = "safe", _("Safe")
        RISKY = "risky", _("Risky")
        UNSAFE = "unsafe", _("Unsafe")

    step = models.ForeignKey(
        Step, on_delete=models.CASCADE, related_name="choices", verbose_name=_("step")
    )
    key = models.SlugField(_("key"), max_length=60)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    text = models.CharField(_("choice"), max_length=300)
    feedback = models.TextField(
        _("feedback"), help_text=_("Shown in the debrief: why this was safe or not.")
    )
    next_step = models.ForeignKey(
        Step,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("leads to step"),
    )
    ending = models.ForeignKey(
        Ending,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="choices",
        verbose_name=_("or ends with"),
    )
    safety = models.CharField(_("safety"), max_length=10, choices=Safety.choices)
    leaks = models.CharField(
        _("hands over"),
        max_length=200,
        blank=True,
        validators=[validate_leaks],
        help_text=_("Comma-separated: %(kinds)s.") % {"kinds": ", ".join(Leak.values)},
    )
    chain_link = models.ForeignKey(
        ChainLink,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("feeds the chain at"),
    )
    misconception = models.CharField(
        _("misconception"),
        max_length=40,
        choices=Misconception.choices,
        blank=True,
    )

    class Meta:
        ordering = ("step", "order", "pk")
        verbose_name = _("choice")
        verbose_name_plural = _("choices")
        constraints = [
            models.UniqueConstraint(fields=("step", "key"), name="one_choice_per_key"),
        ]

    def __str__(self):
        return self.text

    def clean(self):
        if bool(self.next_step_id) == bool(self.ending_id):
            raise ValidationError(
                _("A choice leads to exactly one step or one ending.")
            )
        if (
            self.next_step_id
            and self.next_step.simulation_id != self.step.simulation_id
        ):
            raise ValidationError(
                {"next_step": _("The next step must be in the same simulation.")}
            )
        if self.ending_id and self.ending.simulation_id != self.step.simulation_id:
            raise ValidationError(
                {"ending": _("The ending must be in the same simulation.")}
            )

    @property
    def leak_list(self):
        return [Leak(value) for value in split_leaks(self.leaks)]


class RunQuerySet(LearnerQuerySet):
    def unfinished(self):
        return self.filter(completed_at__isnull=True)

    def finished(self):
        return self.filter(completed_at__isnull=False)

    def start(self, *, simulation, user, learner_key, language=""):
        """Start a run at the simulation's first step.

        A run of this simulation that is open and still at its first turn
        is the same thing, so a double click, a second tab or a replayed
        start resumes it rather than leave an empty run behind.
        """
        fresh = (
            self.for_learner(user, learner_key)
            .unfinished()
            .filter(simulation=simulation, turn_count=0)
            .first()
        )
        if fresh is not None:
            return fresh
        return self.create(
            simulation=simulation,
            step_id=simulation.start_id,
            user=user if user.is_authenticated else None,
            learner_key=learner_key,
            language=language,
        )

    # As for quiz attempts: on a user's rows only the user counts.
    claim_keeps_token = True


class Run(LearnerOwned):
    """One learner's play of a simulation, from the first step to an ending."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    simulation = models.ForeignKey(
        Simulation,
        on_delete=models.CASCADE,
        related_name="runs",
        verbose_name=_("simulation"),
    )
    # How many turns are taken: the next one is turn_count + 1. Taking a
    # turn moves it on in one conditional update, so a replayed or racing
    # choice for a turn already taken matches no row and changes nothing.
    turn_count = models.PositiveSmallIntegerField(_("turns taken"), default=0)
    # The step waiting for the learner's choice; none once ended.
    step = models.ForeignKey(
        Step,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("current step"),
    )
    ending = models.ForeignKey(
        Ending,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="runs",
        verbose_name=_("ending"),
    )
    score = models.PositiveSmallIntegerField(_("score"), null=True, blank=True)
    language = models.CharField(_("language"), max_length=10, blank=True)
    started_at = models.DateTimeField(_("started"), default=timezone.now)
    completed_at = models.DateTimeField(_("ended"), null=True, blank=True)

    objects = RunQuerySet.as_manager()

    class Meta:
        ordering = ("-started_at",)
        verbose_name = _("simulation run")
        verbose_name_plural = _("simulation runs")

    def __str__(self):
        return f"{self.simulation} ({self.started_at:%Y-%m-%d})"

    def get_absolute_url(self):
        if self.is_finished:
            return reverse("simulations:debrief", args=[self.public_id])
        return reverse("simulations:run", args=[self.public_id])

    @property
    def is_finished(self):
        return self.completed_at is not None

    @property
    def position(self):
        """The number of the turn waiting for the learner."""
        return self.turn_count + 1

    def option_value(self, choice):
        """Return the form value of a choice in this run.

        Choice keys are written by people and may say what they do
        ("pay-now"), and row ids follow the file's order; a value made from
        the run's secret id says nothing about the choice behind it.
        """
        text = f"{self.public_id}:{choice.pk}"
        return hashlib.sha256(text.encode()).hexdigest()[:12]

    def ordered_choices(self, step, choices):
        """Return the step's choices in this run's own stable order.

        Files may list the safe choice first out of habit; a fixed order per
        run and step keeps refresh and back showing the same thing.
        """
        choices = list(choices)
        random.Random(f"{self.public_id}-{step.pk}").shuffle(choices)
        return choices

    def take(self, *, position, choice, confidence=None):
        """Record the choice made at turn ``position``; return False if not taken.

        Only a choice of the step the run waits at, for the turn it waits
        for, is taken, and only once: the conditional update lets the first
        of two racing requests through, and the unique (run, position)
        constraint backs it. ``choice`` comes with its ending.
        """
        ending = choice.ending if choice.ending_id else None
        now = timezone.now()
        changes = {
            "turn_count": position,
            "step_id": None if ending else choice.next_step_id,
            "ending": ending,
            "score": ending.score if ending else None,
            "completed_at": now if ending else None,
        }
        with transaction.atomic():
            taken = Run.objects.filter(
                pk=self.pk,
                completed_at__isnull=True,
                step_id=choice.step_id,
                turn_count=position - 1,
            ).update(**changes)
            if taken:
                Turn.objects.create(
                    run_id=self.pk,
                    position=position,
                    step_id=choice.step_id,
                    choice=choice,
                    confidence=confidence,
                    answered_at=now,
                )
        if taken:
            for name, value in changes.items():
                setattr(self, name, value)
        return bool(taken)


class Turn(models.Model):
    """One choice a learner made in a run."""

    run = models.ForeignKey(
        Run, on_delete=models.CASCADE, related_name="turns", verbose_name=_("run")
    )
    position = models.PositiveSmallIntegerField(_("turn"))
    step = models.ForeignKey(
        Step, on_delete=models.CASCADE, related_name="turns", verbose_name=_("step")
    )
    choice = models.ForeignKey(
        Choice,
        on_delete=models.CASCADE,
        related_name="turns",
        verbose_name=_("choice"),
    )
    # "How sure are you?", on the quizzes' scale; optional.
    confidence = models.PositiveSmallIntegerField(
        _("how sure"),
        choices=Confidence.choices,
        null=True,
        blank=True,
    )
    answered_at = models.DateTimeField(_("answered"), default=timezone.now)

    class Meta:
        ordering = ("run", "position")
        verbose_name = _("turn")
        verbose_name_plural = _("turns")
        constraints = [
            # A replayed or racing POST for the same turn cannot add a row.
            models.UniqueConstraint(
                fields=("run", "position"), name="one_choice_per_turn"
            ),
        ]

    def __str__(self):
        return f"{self.run} #{self.position}"

    @property
    def is_confidently_wrong(self):
        """True for an unsafe choice made at "Very sure"."""
        return (
            self.confidence == Confidence.VERY_SURE
            and self.choice.safety == Choice.Safety.UNSAFE
        )

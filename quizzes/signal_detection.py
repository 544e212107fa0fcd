from dataclasses import dataclass
from statistics import NormalDist

from django.db.models import Count, Q

# A learner is told they lean towards trusting or doubting only from answers
# holding at least this many of each kind: from one to three items, c is
# noise, and a learner would be called over-suspicious on a coin's toss.
MIN_EACH_FOR_BIAS = 4
# |c| below this is "neither too trusting nor too suspicious".
BIAS_MARGIN = 0.25

_z = NormalDist().inv_cdf


@dataclass(frozen=True)
class Discernment:
    """How well a learner tells scams from legitimate messages.

    "Scam" is the signal: a hit is a scam called a scam, a false alarm a
    legitimate message called a scam.
    """

    hits: int
    scams: int
    false_alarms: int
    legits: int

    def _rates(self):
        # The log-linear correction keeps rates of 0 and 1 finite under z.
        return (
            (self.hits + 0.5) / (self.scams + 1),
            (self.false_alarms + 0.5) / (self.legits + 1),
        )

    @property
    def sensitivity(self):
        """Return d′ = z(H) − z(FA): higher tells scams from real ones better."""
        hit_rate, false_alarm_rate = self._rates()
        return _z(hit_rate) - _z(false_alarm_rate)

    @property
    def bias(self):
        """Return c = −(z(H) + z(FA)) / 2: above 0 trusting, below 0 suspicious."""
        hit_rate, false_alarm_rate = self._rates()
        return -(_z(hit_rate) + _z(false_alarm_rate)) / 2

    @property
    def judges_bias(self):
        """True when enough of both kinds were seen for a bias to be told.

        With only scams (or only legitimate messages), the corrected rate of
        the missing kind is 0.5 whatever the learner did, and c would blame
        them for messages they never saw; with a few of each it is noise.
        """
        return self.scams >= MIN_EACH_FOR_BIAS and self.legits >= MIN_EACH_FOR_BIAS

    @property
    def leaning(self):
        """Return "trusting", "suspicious" or "balanced", or None if untold."""
        if not self.judges_bias:
            return None
        if self.bias > BIAS_MARGIN:
            return "trusting"
        if self.bias < -BIAS_MARGIN:
            return "suspicious"
        return "balanced"

    @property
    def misses(self):
        return self.scams - self.hits


def tally(verdicts):
    """Return the Discernment of (is a scam, learner said scam) pairs, or None."""
    hits = scams = false_alarms = legits = 0
    for is_scam, said_scam in verdicts:
        if is_scam:
            scams += 1
            hits += said_scam
        else:
            legits += 1
            false_alarms += said_scam
    if not scams and not legits:
        return None
    return Discernment(hits, scams, false_alarms, legits)


def discernment(answers):
    """Return the Discernment over answered scam-or-legit answers, or None."""
    # The learner said "scam" when their verdict agrees with a scam item,
    # or disagrees with a legitimate one.
    return tally(
        (answer.question.is_scam, answer.is_correct == answer.question.is_scam)
        for answer in answers
        if answer.question.kind == answer.question.Kind.SCAM_OR_LEGIT
        and answer.is_answered
    )


def pooled(answers):
    """Return the Discernment over a queryset of answers, in one query, or None.

    For a learner's verdict on bias: every scam-or-legit answer they gave,
    across attempts, rather than one attempt's handful.
    """
    verdicts = answers.filter(
        answered_at__isnull=False,
        question__kind="scam_or_legit",
        question__is_scam__isnull=False,
    )
    scam, legit, right = (
        Q(question__is_scam=True),
        Q(question__is_scam=False),
        Q(mark=1.0),
    )
    counts = verdicts.order_by().aggregate(
        scams=Count("pk", filter=scam),
        hits=Count("pk", filter=scam & right),
        legits=Count("pk", filter=legit),
        false_alarms=Count("pk", filter=legit & ~right),
    )
    if not counts["scams"] and not counts["legits"]:
        return None
    return Discernment(**counts)

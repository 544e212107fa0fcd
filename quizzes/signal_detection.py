from dataclasses import dataclass
from statistics import NormalDist

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
        """True when both kinds were seen, so that a bias can be told.

        With only scams (or only legitimate messages), the corrected rate of
        the missing kind is 0.5 whatever the learner did, and c would blame
        them for messages they never saw.
        """
        return bool(self.scams and self.legits)

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

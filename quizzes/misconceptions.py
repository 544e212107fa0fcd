"""The mistaken beliefs that wrong options stand for, in one controlled list.

Each wrong option names one of these, so that the statistics can say which
beliefs lead learners astray across questions and quizzes. The list is short
on purpose: a tag is only worth having if it recurs. Staff choose from it in
the admin; content files name the slug. Two tags stand for over-suspicion,
which costs people their genuine messages, so it is counted too.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Misconception(models.TextChoices):
    TRUSTS_CALLER_ID = "trusts-caller-id", _("Trusts the number or name shown")
    OFFICIAL_NUMBER = (
        "official-number-proves-real",
        _("Thinks an official-looking number or sender proves it is real"),
    )
    KNOWS_MY_DETAILS = (
        "knows-my-details",
        _("Thinks knowing my name, order or ID proves it is genuine"),
    )
    OBEYS_AUTHORITY = (
        "obeys-authority",
        _("Does what someone “official” says without checking"),
    )
    SAFE_ACCOUNT = "safe-account-exists", _("Believes in a “safe account”")
    SHARES_CODES = (
        "shares-codes",
        _("Thinks a verification code or password is safe to share"),
    )
    ACTS_ON_URGENCY = (
        "acts-on-urgency",
        _("Acts at once because it is urgent or secret"),
    )
    VERIFIES_THROUGH_MESSAGE = (
        "verifies-through-message",
        _("Checks through the number or link the message gives"),
    )
    SMALL_START = (
        "small-start-is-safe",
        _("Thinks a small first payment, task or profit is safe"),
    )
    EASY_RETURNS = "believes-easy-returns", _("Believes in high, sure or easy returns")
    PAYS_TO_GET_PAID = (
        "pays-to-get-paid",
        _("Pays a fee to get a job, loan, refund or prize"),
    )
    LENDS_ACCOUNTS = (
        "lends-accounts",
        _("Thinks lending cards, accounts, SIM cards or ID is harmless"),
    )
    INSTALLS_FROM_LINKS = (
        "installs-from-links",
        _("Installs apps or opens files from links, QR codes or strangers"),
    )
    SHARES_SCREEN = "shares-screen", _("Thinks sharing the screen is safe")
    TRUSTS_FAMILIAR_FACE = (
        "trusts-familiar-face",
        _("Thinks a familiar face, voice or profile proves who it is"),
    )
    MOVES_OFF_PLATFORM = (
        "moves-off-platform",
        _("Thinks moving to another app or a private chat is fine"),
    )
    REASSURANCE = (
        "reassurance-proves-genuine",
        _(
            "Thinks a reassurance (“we never ask for your password”) proves it is genuine"
        ),
    )
    RECOVERY_FOR_A_FEE = (
        "recovery-for-a-fee",
        _("Believes someone can get lost money back for a fee"),
    )
    SUSPECTS_ANY_LINK = (
        "suspects-any-link",
        _("Over-suspicion: thinks any link, number or request to act means a scam"),
    )
    SUSPECTS_URGENCY = (
        "suspects-urgency",
        _("Over-suspicion: thinks any urgent or official message is a scam"),
    )
    LEAK_IS_HOPELESS = (
        "leak-is-hopeless",
        _("Thinks nothing can be done once information has leaked"),
    )
    PROTECTION_IS_TOTAL = (
        "protection-is-total",
        _("Thinks masking, privacy settings or one tool stops every risk"),
    )
    INFORMATION_IS_HARMLESS = (
        "information-is-harmless",
        _("Thinks ordinary details (photos, slips, names) are harmless to give away"),
    )


def label(slug):
    """Return the belief a tag stands for, in the active language."""
    try:
        return str(Misconception(slug).label)
    except ValueError:
        # A tag that left the list still reads as itself.
        return slug

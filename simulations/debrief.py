"""What a finished run handed over, and to which link of the chain."""

from dataclasses import dataclass, field

from django.utils.translation import pgettext


def listed(leaks):
    """Return kinds of data as one phrase, joined as the language joins lists."""
    return pgettext("list separator", ", ").join(str(leak.label) for leak in leaks)


@dataclass
class LinkFed:
    link: object
    leaks: list = field(default_factory=list)  # Leak, each once
    turns: list = field(default_factory=list)  # the turn numbers that fed it

    @property
    def leaks_text(self):
        return listed(self.leaks)

    @property
    def turns_text(self):
        return pgettext("list separator", ", ").join(map(str, self.turns))


def annotate(turns):
    """Give each turn the words for what its choice handed over."""
    for turn in turns:
        turn.leaks_text = listed(turn.choice.leak_list)
    return turns


def handed_over(turns):
    """Return every kind of data the run's choices handed over, each once."""
    seen = []
    for turn in turns:
        for leak in turn.choice.leak_list:
            if leak not in seen:
                seen.append(leak)
    return seen


def chain_of(turns, links):
    """Return the chain's links in order, each with what the run fed it.

    Data handed over by a choice that names no link is left out here: the
    debrief lists it with everything handed over.
    """
    fed = {link.pk: LinkFed(link) for link in links}
    for turn in turns:
        target = fed.get(turn.choice.chain_link_id)
        leaks = turn.choice.leak_list
        if target is None or not leaks:
            continue
        target.turns.append(turn.position)
        target.leaks.extend(leak for leak in leaks if leak not in target.leaks)
    return list(fed.values())

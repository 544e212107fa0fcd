from django import forms
from django.utils.translation import gettext_lazy as _

from quizzes.confidence import confidence_field


class TurnForm(forms.Form):
    """The learner's choice at one step, and how sure they were of it.

    Option values are the run's own (Run.option_value), so nothing in the
    page hints at which choice is safe.
    """

    def __init__(self, run, choices, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.by_value = {run.option_value(choice): choice for choice in choices}
        self.fields["choice"] = forms.ChoiceField(
            choices=[(run.option_value(c), c.text) for c in choices],
            widget=forms.RadioSelect,
            error_messages={
                "required": _("Choose what you do before you continue."),
                "invalid_choice": _(
                    "That choice is not one of this step's. Choose one of the "
                    "options shown."
                ),
            },
        )
        # The quizzes' "How sure are you?", never required here: a
        # simulation's score is the ending's, whatever the learner said.
        self.fields["confidence"] = confidence_field()

    def chosen(self):
        return self.by_value[self.cleaned_data["choice"]]

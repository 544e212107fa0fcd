from django import forms
from django.utils.translation import gettext_lazy as _


class AnswerForm(forms.Form):
    """The learner's answer to one question, in this attempt's option order.

    Option values are the options' random keys, so nothing in the page
    hints at the answer.
    """

    def __init__(self, question, choices, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.question = question
        self.by_key = {choice.key: choice for choice in choices}
        options = [(choice.key, choice.text) for choice in choices]
        if question.allows_many:
            # Every such question has at least one right option, so an
            # empty answer is a slip of the finger, not a choice.
            self.fields["choice"] = forms.MultipleChoiceField(
                choices=options,
                widget=forms.CheckboxSelectMultiple,
                error_messages={
                    "required": _("Choose at least one option before you continue.")
                },
            )
        else:
            self.fields["choice"] = forms.ChoiceField(
                choices=options,
                widget=forms.RadioSelect,
                error_messages={"required": _("Choose an answer before you continue.")},
            )
        self.fields["choice"].error_messages["invalid_choice"] = _(
            "That option is not part of this question. Choose one of the options shown."
        )

    def selected_choices(self):
        value = self.cleaned_data["choice"]
        keys = value if isinstance(value, list) else [value]
        return [self.by_key[key] for key in dict.fromkeys(keys)]

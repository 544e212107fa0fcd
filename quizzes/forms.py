from django import forms
from django.utils.translation import gettext_lazy as _

from .confidence import confidence_field


class AnswerForm(forms.Form):
    """The learner's answer to one question, in this attempt's option order.

    Option values are the options' random keys, so nothing in the page
    hints at the answer.
    """

    def __init__(self, question, choices, *args, certainty_required=False, **kwargs):
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
        if question.kind == question.Kind.RED_FLAGS:
            # Offered on every red-flag message, so that its presence gives
            # nothing away; it is the right answer only where no part is
            # suspicious.
            self.fields["choice"].required = False
            self.fields["nothing"] = forms.BooleanField(
                label=_("Nothing here looks suspicious"), required=False
            )
        if question.kind == question.Kind.SCAM_OR_LEGIT:
            # Optional unless the quiz marks certainty, where the score
            # cannot be worked out without it.
            self.fields["confidence"] = confidence_field(required=certainty_required)

    def clean(self):
        cleaned = super().clean()
        if "nothing" in self.fields and "choice" in cleaned:
            if cleaned["nothing"] and cleaned["choice"]:
                self.add_error(
                    "choice",
                    _(
                        "You marked parts of the message and also said nothing "
                        "looks suspicious. Choose one or the other."
                    ),
                )
            elif not cleaned["nothing"] and not cleaned["choice"]:
                self.add_error(
                    "choice",
                    _(
                        "Mark the suspicious parts of the message, or choose "
                        "“Nothing here looks suspicious”."
                    ),
                )
        return cleaned

    def chosen_confidence(self):
        """Return the level the learner chose, or None."""
        return self.cleaned_data.get("confidence")

    def selected_choices(self):
        value = self.cleaned_data["choice"]
        keys = value if isinstance(value, list) else [value]
        return [self.by_key[key] for key in dict.fromkeys(keys)]

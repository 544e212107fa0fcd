from django import forms
from django.utils.translation import gettext_lazy as _

from .models import MESSAGE_LENGTH, Challenge


class ChallengeForm(forms.ModelForm):
    class Meta:
        model = Challenge
        fields = ("message",)
        labels = {"message": _("A short note to go with it (optional)")}
        help_texts = {
            "message": _(
                "At most 140 characters, without links or numbers. The person "
                "you send it to sees it above the quiz."
            )
        }
        widgets = {
            "message": forms.Textarea(attrs={"rows": 2, "maxlength": MESSAGE_LENGTH})
        }

from django import forms
from django.contrib.auth.forms import UserCreationForm
from django.utils.translation import gettext_lazy as _


class SignupForm(UserCreationForm):
    """A username and a password; an e-mail address only if wanted."""

    email = forms.EmailField(
        label=_("E-mail address (optional)"),
        required=False,
        help_text=_("Only used to reset your password if you forget it."),
    )

    class Meta(UserCreationForm.Meta):
        fields = ("username", "email")

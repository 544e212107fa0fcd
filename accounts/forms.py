from django import forms
from django.contrib.auth import authenticate, get_user_model
from django.contrib.auth.forms import PasswordChangeForm, UserCreationForm
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


class AccountDetailsForm(forms.ModelForm):
    """The only personal details an account has, for the learner to correct."""

    email = forms.EmailField(
        label=_("E-mail address (optional)"),
        required=False,
        help_text=_("Only used to reset your password if you forget it."),
    )

    class Meta:
        model = get_user_model()
        fields = ("username", "email")


def password_is_right(request, user, password):
    """Return whether password is the user's, checked like a sign-in.

    A wrong one counts towards the sign-in lockout, and during a lockout
    no password is checked: awareness.throttle answers with its 429 page.
    """
    return (
        authenticate(request, username=user.get_username(), password=password) == user
    )


class ThrottledPasswordChangeForm(PasswordChangeForm):
    """Django's, with the old password checked under the sign-in lockout."""

    def __init__(self, user, *args, request, **kwargs):
        super().__init__(user, *args, **kwargs)
        self.request = request

    def clean_old_password(self):
        old_password = self.cleaned_data["old_password"]
        if not password_is_right(self.request, self.user, old_password):
            raise forms.ValidationError(
                self.error_messages["password_incorrect"], code="password_incorrect"
            )
        return old_password


class DeleteAccountForm(forms.Form):
    """Deleting an account asks for its password, so nobody else can."""

    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, user, *args, request, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.request = request

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not password_is_right(self.request, self.user, password):
            raise forms.ValidationError(
                _("That is not your password. Nothing was deleted."),
                code="password_incorrect",
            )
        return password

from django import forms
from django.contrib.auth import authenticate, get_user_model
from django.contrib.auth.forms import (
    PasswordChangeForm,
    SetPasswordForm,
    UserCreationForm,
)
from django.contrib.auth.password_validation import (
    MinimumLengthValidator,
    get_default_password_validators,
)
from django.utils.translation import gettext_lazy as _, ngettext

USERNAME_HELP = _(
    "Up to 150 letters, digits and @ . + - _ signs. It need not be your real name."
)


def new_password_help():
    """Return what a new password must be, in the site's words."""
    lengths = [
        validator.min_length
        for validator in get_default_password_validators()
        if isinstance(validator, MinimumLengthValidator)
    ]
    shortest = max(lengths, default=1)
    return ngettext(
        "At least %(count)d character, not only digits, not a common password "
        "and not like your username.",
        "At least %(count)d characters, not only digits, not a common password "
        "and not like your username.",
        shortest,
    ) % {"count": shortest}


class NewPasswordMixin:
    """Django's new-password fields, with short help and errors in place.

    Django puts what is wrong with a new password under its confirmation,
    where the learner looks for a mismatch; it belongs to the first field.
    """

    new_password_fields = ("password1", "password2")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        first, again = self.new_password_fields
        self.fields[first].help_text = new_password_help()
        self.fields[again].help_text = _("The same password again, to rule out a typo.")

    def validate_password_for_user(self, user, password_field_name=None):
        super().validate_password_for_user(user, self.new_password_fields[0])


class SignupForm(NewPasswordMixin, UserCreationForm):
    """A username and a password; an e-mail address only if wanted."""

    email = forms.EmailField(
        label=_("E-mail address (optional)"),
        required=False,
        help_text=_("Only used to reset your password if you forget it."),
    )

    class Meta(UserCreationForm.Meta):
        fields = ("username", "email")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].help_text = USERNAME_HELP


class NewPasswordForm(NewPasswordMixin, SetPasswordForm):
    """Django's form for a new password after a reset link."""

    new_password_fields = ("new_password1", "new_password2")


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
        help_texts = {"username": USERNAME_HELP}


def password_is_right(request, user, password):
    """Return whether password is the user's, checked like a sign-in.

    A wrong one counts towards the sign-in lockout, and during a lockout
    no password is checked: awareness.throttle answers with its 429 page.
    """
    return (
        authenticate(request, username=user.get_username(), password=password) == user
    )


class ThrottledPasswordChangeForm(NewPasswordMixin, PasswordChangeForm):
    """Django's, with the old password checked under the sign-in lockout."""

    new_password_fields = ("new_password1", "new_password2")

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

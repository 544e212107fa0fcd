from django import forms
from django.utils.translation import gettext_lazy as _


class NameForm(forms.Form):
    """The name to print on a certificate: shown once, never stored."""

    name = forms.CharField(
        label=_("Name to print (optional)"),
        max_length=60,
        required=False,
        help_text=_("Shown on this page only, for printing. It is not saved."),
    )


class VerifyForm(forms.Form):
    code = forms.CharField(
        label=_("Certificate code"),
        max_length=30,
        help_text=_("The code printed on the certificate, e.g. 7KQ2-M9XD-4TBA."),
    )

from django import forms


class EasyReadForm(forms.Form):
    """The easy-read switch: which way to turn it, and the page to go back to."""

    easy_read = forms.ChoiceField(choices=[("on", "on"), ("off", "off")])
    # Checked against the site's host by easy_read.safe_next(), not here, so
    # that a bad address still switches the mode and lands on the home page.
    next = forms.CharField(required=False, max_length=2000)

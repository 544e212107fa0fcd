import re

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import override

from accounts.forms import NewPasswordForm, SignupForm

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"
# What Django itself says under its account fields, in English.
DJANGO_HELP = (
    "Required. 150 characters or fewer",
    "Your password can’t be too similar",
    "Your password must contain at least",
    "Enter the same password as before",
)


def errors_by_field(html):
    """Return {field id: error text} for the errors a page shows."""
    return dict(
        re.findall(r'<p class="field__error" id="id_(\w+)_error">([^<]*)', html)
    )


def test_a_weak_password_is_wrong_on_the_password_field_at_sign_up(client):
    response = client.post(
        "/en/accounts/signup/",
        {"username": "learner", "password1": "12345678", "password2": "12345678"},
    )
    errors = errors_by_field(response.content.decode())
    assert "entirely numeric" in errors["password1"]
    assert "password2" not in errors


def test_a_mismatch_is_still_wrong_on_the_confirmation(client):
    response = client.post(
        "/en/accounts/signup/",
        {"username": "learner", "password1": PASSWORD, "password2": PASSWORD + "x"},
    )
    errors = errors_by_field(response.content.decode())
    assert set(errors) == {"password2"}


def test_a_weak_new_password_is_wrong_on_the_new_password_field(
    client, django_user_model
):
    user = django_user_model.objects.create_user("learner", password=PASSWORD)
    client.force_login(user)
    response = client.post(
        "/en/accounts/password/change/",
        {
            "old_password": PASSWORD,
            "new_password1": "learner1",
            "new_password2": "learner1",
        },
    )
    errors = errors_by_field(response.content.decode())
    assert "too similar" in errors["new_password1"]
    assert "new_password2" not in errors
    form = NewPasswordForm(user, {"new_password1": "abc", "new_password2": "abc"})
    assert not form.is_valid()
    assert "too short" in str(form.errors["new_password1"])
    assert "new_password2" not in form.errors


def account_form_pages(client, user):
    """Return the URL of every account page with a field to fill in."""
    client.force_login(user)
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    reset = f"/en/accounts/password/reset/{uid}/{token}/"
    # The link's token moves into the session, then the page has the form.
    return [
        "/en/accounts/details/",
        "/en/accounts/password/change/",
        client.get(reset)["Location"],
    ]


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_account_fields_carry_the_sites_own_short_help(
    client, django_user_model, language
):
    user = django_user_model.objects.create_user("learner", password=PASSWORD)
    signup = client.get(f"/{language}/accounts/signup/").content.decode()
    pages = [signup] + [
        client.get(url.replace("/en/", f"/{language}/")).content.decode()
        for url in account_form_pages(client, user)
    ]
    with override(language):
        ours = {str(field.help_text) for field in SignupForm().fields.values()}
    for html in pages:
        helps = re.findall(r'class="field__help"[^>]*>(.*?)</div>', html, re.S)
        assert helps, html
        for text in helps:
            assert "<" not in text and len(text) < 100, text
            assert not any(django in text for django in DJANGO_HELP), text
    assert set(re.findall(r'field__help"[^>]*>(.*?)</div>', signup)) == ours
    if language != "en":
        # Translated: no English sentence left under a Chinese form.
        assert not re.search(r"[A-Za-z]{4} [a-z]{2,} [a-z]{2,}", "".join(ours))


def test_sign_up_says_the_e_mail_address_is_optional_not_nothing_more(client):
    html = client.get("/en/accounts/signup/").content.decode()
    lead = re.search(r'class="page-header__lead">(.*?)</p>', html, re.S).group(1)
    assert not SignupForm().fields["email"].required
    assert "nothing more" not in lead
    assert "e-mail address is up to you" in lead

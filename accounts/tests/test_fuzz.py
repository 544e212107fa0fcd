import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.test import Client
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import url_has_allowed_host_and_scheme, urlsafe_base64_encode
from hypothesis import given

from awareness.tests.fuzzing import bodies, check, rolled_back

pytestmark = [pytest.mark.django_db, pytest.mark.fuzz]

PASSWORD = "a-long-test-password"
GOOD_PASSWORDS = [PASSWORD, "another-good-passphrase", "short"]


def stays_on_the_site(location):
    """Return True if a redirect cannot take the visitor to another site."""
    return url_has_allowed_host_and_scheme(location, allowed_hosts={"testserver"})


def fresh(user):
    """The user as the database has it now, in this example's transaction."""
    return get_user_model().objects.get(pk=user.pk)


def last(value):
    """The value a form reads from a field sent once or repeated."""
    return value[-1] if isinstance(value, list) else value


@pytest.fixture
def ann(django_user_model):
    return django_user_model.objects.create_user(
        username="ann", password=PASSWORD, email="ann@example.com"
    )


@given(
    body=bodies(
        {
            "username": ["newcomer", "ann", "new comer"],
            "email": ["new@example.com", "not-an-address"],
            "password1": GOOD_PASSWORDS,
            "password2": GOOD_PASSWORDS,
            "next": ["/progress/", "https://evil.example/"],
        }
    )
)
def test_sign_up_with_any_body(ann, body):
    with rolled_back():
        before = get_user_model().objects.count()
        response = check(Client(), "POST", reverse("accounts:signup"), body)
        created = get_user_model().objects.count() - before
        assert created == (1 if response.status_code == 302 else 0)
        if created:
            assert stays_on_the_site(response["Location"])


@given(
    body=bodies(
        {
            "username": ["ann", "ANN", "nobody"],
            "password": GOOD_PASSWORDS,
            "next": ["/progress/", "https://evil.example/", "//evil.example"],
        }
    )
)
def test_sign_in_with_any_body(ann, body):
    with rolled_back():
        response = check(Client(), "POST", reverse("accounts:login"), body)
        if response.status_code == 302:
            assert stays_on_the_site(response["Location"])


@given(body=bodies({"next": ["/", "https://evil.example/"]}))
def test_sign_out_with_any_body(ann, body):
    with rolled_back():
        client = Client()
        client.force_login(ann)
        response = check(client, "POST", reverse("accounts:logout"), body)
        assert response.status_code == 302
        assert stays_on_the_site(response["Location"])


@given(
    body=bodies(
        {
            "old_password": GOOD_PASSWORDS,
            "new_password1": GOOD_PASSWORDS,
            "new_password2": GOOD_PASSWORDS,
        }
    )
)
def test_password_change_with_any_body(ann, body):
    with rolled_back():
        user = fresh(ann)
        client = Client()
        client.force_login(user)
        response = check(client, "POST", reverse("accounts:password_change"), body)
        user = fresh(ann)
        if response.status_code == 302:
            assert user.check_password(last(body["new_password1"]))
        else:
            assert user.check_password(PASSWORD)


@given(body=bodies({"email": ["ann@example.com", "nobody@example.com"]}))
def test_password_reset_with_any_body(ann, body, mailoutbox):
    with rolled_back():
        mailoutbox.clear()
        response = check(Client(), "POST", reverse("accounts:password_reset"), body)
        # Mail goes only to the account's own address, never to one typed in.
        assert all(mail.to == ["ann@example.com"] for mail in mailoutbox)
        if response.status_code != 302:
            assert not mailoutbox


@given(body=bodies({"new_password1": GOOD_PASSWORDS, "new_password2": GOOD_PASSWORDS}))
def test_choosing_a_new_password_with_any_body(ann, body):
    with rolled_back():
        user = fresh(ann)
        client = Client()
        link = reverse(
            "accounts:password_reset_confirm",
            args=[
                urlsafe_base64_encode(force_bytes(user.pk)),
                default_token_generator.make_token(user),
            ],
        )
        form_url = client.get(link)["Location"]  # the token moves to the session
        response = check(client, "POST", form_url, body)
        user = fresh(ann)
        if response.status_code == 302:
            assert user.check_password(last(body["new_password1"]))
        else:
            assert user.check_password(PASSWORD)

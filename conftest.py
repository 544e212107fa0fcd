import pytest
from django.conf import settings
from django.utils import translation


@pytest.fixture(autouse=True)
def fast_password_hasher(settings):
    # Real hashers are slow on purpose; tests only need them to work.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def staff_client(client, django_user_model):
    staff = django_user_model.objects.create_user(
        username="editor", password="a-long-test-password", is_staff=True
    )
    client.force_login(staff)
    return client


@pytest.fixture
def superuser_client(client, django_user_model):
    admin = django_user_model.objects.create_superuser(
        username="admin", password="a-long-test-password"
    )
    client.force_login(admin)
    return client


@pytest.fixture(autouse=True)
def default_language():
    # A request leaves its language active in the thread; without this, a
    # test would create content in the language of the test before it.
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()

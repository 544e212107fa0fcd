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


def _member_of(django_user_model, group_name):
    from django.contrib.auth.models import Group

    user = django_user_model.objects.create_user(
        username=group_name.lower(), password="a-long-test-password", is_staff=True
    )
    user.groups.add(Group.objects.get(name=group_name))
    return user


@pytest.fixture
def editor(django_user_model):
    """A staff member in the Editors group the migrations create."""
    return _member_of(django_user_model, "Editors")


@pytest.fixture
def analyst(django_user_model):
    """A staff member in the Analysts group the migrations create."""
    return _member_of(django_user_model, "Analysts")


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


@pytest.fixture
def analyst_client(client, analyst):
    client.force_login(analyst)
    return client

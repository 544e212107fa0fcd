import os
import uuid

import pytest
from django.conf import settings
from django.utils import translation
from hypothesis import HealthCheck, settings as hypothesis_settings

# Fuzzing: a few examples per property in every test run; `make fuzz`
# (HYPOTHESIS_PROFILE=fuzz) shares FUZZ_EXAMPLES, 10,000 by default, among
# the properties it runs. Requests are slow next to plain functions, so no
# deadline; each example rolls back its own rows (see fuzzing.py), which
# makes function-scoped fixtures safe to share between examples.
_fuzzing = {
    "deadline": None,
    "suppress_health_check": [
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
    ],
}
hypothesis_settings.register_profile("default", max_examples=10, **_fuzzing)
hypothesis_settings.load_profile("default")


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    # trylast: after -m and -k have deselected what will not run.
    if os.environ.get("HYPOTHESIS_PROFILE") != "fuzz":
        return
    fuzzed = [item for item in items if item.get_closest_marker("fuzz")]
    total = int(os.environ.get("FUZZ_EXAMPLES", "10000"))
    each = -(-total // max(1, len(fuzzed)))
    # @given binds its settings when the module is imported, before this
    # count is known, so each test gets its own.
    for function in {item.obj for item in fuzzed}:
        hypothesis_settings(max_examples=each, **_fuzzing)(function)


@pytest.fixture(autouse=True)
def fast_password_hasher(settings):
    # Real hashers are slow on purpose; tests only need them to work.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def fresh_cache(settings):
    # Each test gets empty caches of its own, so that no cached page or
    # rate-limit counter leaks from one test into the next. The page cache
    # stays on, as on the site.
    settings.CACHES = {
        alias: {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": uuid.uuid4().hex,
        }
        for alias in ("default", "pages")
    }
    # Tests drive the site faster than any person; the rate limits have
    # tests of their own that switch them on (the `rate_limits` fixture).
    settings.RATE_LIMITS = {}


@pytest.fixture
def rate_limits(settings):
    from awareness.settings import DEFAULT_RATE_LIMITS

    settings.RATE_LIMITS = dict(DEFAULT_RATE_LIMITS)
    return settings.RATE_LIMITS


@pytest.fixture
def frozen_clock(monkeypatch):
    """Stop the rate limits' clock at the start of a window.

    Limits count in fixed windows; a test that crossed a window's end
    halfway would see its count start again.
    """
    from types import SimpleNamespace

    from awareness import throttle

    # Divisible by every window the tests use (60, 600 and 900 seconds).
    monkeypatch.setattr(throttle, "time", SimpleNamespace(time=lambda: 1_800_000_000.0))


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


@pytest.fixture
def real_site(db, django_user_model):
    """The real content, plus a superuser with a finished attempt.

    Every model the admin shows has at least one row, so that every URL can
    be filled in with a real object (see awareness/tests/every_url.py).
    """
    from django.contrib.admin.models import CHANGE, LogEntry
    from django.contrib.auth.models import Group, Permission
    from django.contrib.contenttypes.models import ContentType
    from django.core.management import call_command

    from quizzes.models import Attempt, Quiz, ReviewCalendar

    call_command("load_content", verbosity=0)
    # Until simulation files are loaded with the content, one made here gives
    # the simulation admin's pages an object to open.
    from simulations.models import Simulation

    if not Simulation.objects.exists():
        from simulations.tests.admin_factories import make_simulation

        make_simulation(slug="bank-call")
    user = django_user_model.objects.create_superuser(
        username="admin", password="a-long-test-password"
    )
    Group.objects.get_or_create(name="Editors")[0].permissions.add(
        Permission.objects.first()
    )
    quiz = Quiz.objects.first()
    attempt = Attempt.objects.start(quiz=quiz, user=user, learner_key="")
    for answer in attempt.answers.select_related("question"):
        answer.record(list(answer.question.choices.all()[:1]))
    attempt.finish()
    # A private review calendar, for its feed's URL.
    ReviewCalendar.objects.create(user=user)
    # The audit trail is an admin page too.
    LogEntry.objects.create(
        user=user,
        content_type=ContentType.objects.get_for_model(quiz),
        object_id=str(quiz.pk),
        object_repr=str(quiz),
        action_flag=CHANGE,
        change_message="[]",
    )
    # A certificate and a passed-on link, so that their pages can be walked.
    from certificates.models import Certificate
    from challenges.models import Challenge

    Certificate.objects.create(
        code="7KQ2M9XD4TB0", quiz=quiz, attempt=attempt, issued_on=attempt.started_at
    )
    Challenge.objects.create(user=user, quiz=quiz, message="Try this one")
    # A simulation played to its end, and one still being played.
    from simulations.tests.factories import (
        load_over_real_content,
        paths_to_endings,
        play,
    )

    simulation = load_over_real_content()
    path = next(iter(paths_to_endings(simulation).values()))
    play(simulation, path, user=user, learner_key="")
    play(simulation, [], user=user, learner_key="")
    return {"user": user, "attempt": attempt, "quiz": quiz}

"""The site as deployed, under gunicorn on 127.0.0.1: shared state across
workers on the SQLite default, and Redis down or hanging.

Each test starts its own server on one prepared SQLite database; they are
slow (a few seconds each), so they run with the rest of the suite only.
"""

import contextlib
import re
import socket
import threading
import time
import urllib.error
import urllib.request

import pytest

from bench.browser import Learner, csrf_token
from bench.servers import Server, fresh_database, manage, prepare_site, site_environment

PASSWORD = "a-long-pass-phrase-9"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    with fresh_database() as database_url:
        env = site_environment(
            database_url,
            DJANGO_CACHE_DIR=str(tmp_path_factory.mktemp("cache")),
            DJANGO_SUPERUSER_PASSWORD=PASSWORD,
        )
        prepare_site(env)
        manage(
            env,
            "createsuperuser",
            "--no-input",
            "--username",
            "keeper",
            "--email",
            "keeper@example.com",
        )
        yield env


def sign_in(base, password):
    """Try to sign in as keeper; return the status the form answered with."""
    learner = Learner(base)
    token = csrf_token(learner.get("/en/accounts/login/"))
    try:
        location = learner.post(
            "/en/accounts/login/",
            {"csrfmiddlewaretoken": token, "username": "keeper", "password": password},
        )
    except urllib.error.HTTPError as error:
        return error.code
    return 302 if location else 200


def test_the_lockout_counts_failures_on_every_worker(site):
    # Security review, failure 10: with a cache per worker, two workers let
    # 10 wrong passwords through instead of 5.
    with Server("awareness.wsgi", site, workers=2) as server:
        statuses = [sign_in(server.url, "wrong password") for _ in range(5)]
        assert statuses == [200] * 5
        # Even the right password waits now, whichever worker answers.
        assert [sign_in(server.url, PASSWORD) for _ in range(4)] == [429] * 4


def test_an_edit_shows_on_every_worker_at_once(site):
    with Server("awareness.wsgi", site, workers=2) as server:
        for _ in range(10):
            assert "Renamed tip" not in Learner(server.url).get("/en/tips/")
        manage(
            site,
            "shell",
            "-c",
            "from awareness.models import PrecautionTip as T;"
            "t = T.objects.first(); t.title_en = 'Renamed tip'; t.save()",
        )
        pages = [Learner(server.url).get("/en/tips/") for _ in range(20)]
        assert all("Renamed tip" in page for page in pages)


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def hanging_server():
    """Yield the port of a server that accepts connections and never answers."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)
    held, stop = [], threading.Event()

    def accept():
        listener.settimeout(0.2)
        while not stop.is_set():
            with contextlib.suppress(OSError):
                held.append(listener.accept()[0])

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield listener.getsockname()[1]
    finally:
        stop.set()
        thread.join()
        for connection in held:
            connection.close()
        listener.close()


def timed(call):
    started = time.monotonic()
    result = call()
    return result, time.monotonic() - started


def _journey(base):
    """A visitor's first steps; return each step's status and seconds."""
    learner = Learner(base)
    steps = {}
    steps["home"] = timed(lambda: "<main" in learner.get("/en/"))
    steps["quiz"] = timed(lambda: learner.get("/en/quizzes/suspicious-calls/"))
    page = steps["quiz"][0]
    steps["start"] = timed(
        lambda: learner.post(
            "/en/quizzes/suspicious-calls/start/",
            {"csrfmiddlewaretoken": csrf_token(page)},
        )
    )
    location = steps["start"][0]
    steps["question"] = timed(lambda: "<form" in learner.get(location))
    steps["sign in"] = timed(lambda: sign_in(base, PASSWORD))
    with urllib.request.urlopen(base + "/healthz", timeout=30) as response:
        steps["health"] = ((response.status, response.read().decode()), 0)
    return steps


@pytest.mark.parametrize("redis", ["down", "hanging"])
def test_the_site_serves_while_redis_is_down_or_hanging(site, redis):
    # Security review, failure 4: with Redis down, starting a quiz and
    # signing in were 500s and /healthz said ok; with Redis hanging, each
    # page took 14-17 s.
    with contextlib.ExitStack() as stack:
        port = (
            _free_port() if redis == "down" else stack.enter_context(hanging_server())
        )
        env = {**site, "REDIS_URL": f"redis://127.0.0.1:{port}/0"}
        server = stack.enter_context(Server("awareness.wsgi", env))
        steps = _journey(server.url)
    assert steps["home"][0] is True
    assert re.search(r"/en/attempts/[0-9a-f-]+/1/$", steps["start"][0])
    assert steps["question"][0] is True
    assert steps["sign in"][0] == 302
    status, body = steps["health"][0]
    assert status == 200 and body.startswith("degraded: cache unavailable")
    slowest = max(seconds for _result, seconds in steps.values())
    assert slowest < 3, steps

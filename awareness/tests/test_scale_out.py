"""Two app servers, one PostgreSQL, one Redis: any server serves any learner.

Runs when PostgreSQL and Redis answer on 127.0.0.1; SCALEOUT_DATABASE_URL
names the database it creates and drops, SCALEOUT_REDIS_URL the Redis
database whose keys (under a prefix of this run's own) it uses and deletes.
"""

import os
import re

import pytest

from bench.browser import Learner, csrf_token
from bench.servers import (
    Server,
    answers,
    forget_redis_keys,
    fresh_database,
    prepare_site,
    site_environment,
)

DATABASE_URL = os.environ.get(
    "SCALEOUT_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/awareness_scaleout"
)
REDIS_URL = os.environ.get("SCALEOUT_REDIS_URL", "redis://127.0.0.1:6379/6")

pytestmark = pytest.mark.skipif(
    not (answers("127.0.0.1", 5432) and answers("127.0.0.1", 6379)),
    reason="needs PostgreSQL on 127.0.0.1:5432 and Redis on 127.0.0.1:6379",
)


@pytest.fixture(scope="module")
def two_servers():
    with fresh_database(DATABASE_URL) as database_url:
        # One secret key and one Redis for both: nothing else is shared.
        env = site_environment(database_url, REDIS_URL, WEB_CONCURRENCY="1")
        prepare_site(env)
        try:
            with (
                Server("awareness.wsgi", env) as one,
                Server("awareness.wsgi", env) as two,
            ):
                yield one.url, two.url, database_url, env["DJANGO_CACHE_KEY_PREFIX"]
        finally:
            forget_redis_keys(REDIS_URL, env["DJANGO_CACHE_KEY_PREFIX"])


def test_a_learner_starts_on_one_server_and_finishes_on_the_other(two_servers):
    import psycopg

    one, two, database_url, _prefix = two_servers
    learner = Learner(one)
    token = csrf_token(learner.get("/en/quizzes/suspicious-calls/"))
    location = learner.post(
        "/en/quizzes/suspicious-calls/start/", {"csrfmiddlewaretoken": token}
    )
    public_id = re.search(r"/en/attempts/([0-9a-f-]+)/1/", location)[1]
    first = learner.get(f"/en/attempts/{public_id}/1/", base=two)
    total = int(re.search(r'<progress[^>]* max="(\d+)"', first)[1])
    servers = [one, two]
    for position in range(1, total + 1):
        # Read each question on one server and answer it on the other.
        page = learner.get(f"/en/attempts/{public_id}/{position}/", base=servers[0])
        choice = re.search(r'name="choice" value="([^"]+)"', page)[1]
        redirect = learner.post(
            f"/en/attempts/{public_id}/{position}/answer/",
            {"csrfmiddlewaretoken": csrf_token(page), "choice": choice},
            base=servers[1],
        )
        assert redirect.endswith(f"/en/attempts/{public_id}/{position}/#feedback")
        servers.reverse()
    learner.post(
        f"/en/attempts/{public_id}/finish/", {"csrfmiddlewaretoken": token}, base=two
    )
    result = learner.get(f"/en/attempts/{public_id}/", base=one)
    assert 'class="score__value"' in result
    with psycopg.connect(database_url) as connection:
        finished, answered, total = connection.execute(
            """
            SELECT a.completed_at IS NOT NULL,
                   count(*) FILTER (WHERE x.answered_at IS NOT NULL),
                   count(*)
            FROM quizzes_attempt a JOIN quizzes_answer x ON x.attempt_id = a.id
            WHERE a.public_id = %s GROUP BY a.id
            """,
            [public_id],
        ).fetchone()
    assert finished and answered == total


def test_signing_in_on_one_server_is_seen_by_the_other(two_servers):
    import psycopg

    one, two, database_url, _prefix = two_servers
    learner = Learner(one)
    token = csrf_token(learner.get("/en/accounts/signup/"))
    learner.post(
        "/en/accounts/signup/",
        {
            "csrfmiddlewaretoken": token,
            "username": "scaled",
            "password1": "a-long-pass-phrase-9",
            "password2": "a-long-pass-phrase-9",
        },
    )
    # The session lives in PostgreSQL, not in either server, and knows whose.
    assert "Sign out" in learner.get("/en/progress/", base=two)
    assert "Sign out" in learner.get("/en/", base=one)
    with psycopg.connect(database_url) as connection:
        (account,) = connection.execute(
            "SELECT u.username FROM accounts_session s"
            " JOIN auth_user u ON u.id = s.account_id WHERE s.session_key = %s",
            [learner.cookie("sessionid")],
        ).fetchone()
    assert account == "scaled"


def test_static_files_are_hashed_compressed_and_kept_for_a_year(two_servers):
    import urllib.request

    one, _two, _database_url, _prefix = two_servers
    page = Learner(one).get("/en/")
    stylesheet = re.search(r'href="(/static/css/site\.[0-9a-f]{12}\.css)"', page)[1]
    request = urllib.request.Request(
        one + stylesheet, headers={"Accept-Encoding": "gzip"}
    )
    with urllib.request.urlopen(request) as response:
        assert response.headers["Content-Encoding"] == "gzip"
        assert "max-age=31536000" in response.headers["Cache-Control"]
        assert "immutable" in response.headers["Cache-Control"]
        assert response.headers["X-Content-Type-Options"] == "nosniff"

"""`make loadtest`: scripted learners against gunicorn and PostgreSQL.

Each of 32 threads is one learner with its own session, taking quizzes as
fast as the server answers: open a quiz, start it, read each question,
answer it (a real form POST with its CSRF token), finish, start the next.
A thread is one connection at a time, so 32 threads keep 32 requests in
flight. Threads suit this: the client waits on the network, and the point
is correctness under concurrency (every acknowledged answer stored exactly
once), not the client's own speed; `make bench` measures speed with wrk.

Two runs of LOADTEST_SECONDS (60) each: a plain one, then one in which a
gunicorn worker is killed with SIGKILL a third of the way in. After each,
every answer the server acknowledged must be in the database exactly once,
with the options sent, and no response may be a server error.

Environment:
  LOADTEST_DATABASE_URL  PostgreSQL database to create and drop
                         (default postgres://postgres@127.0.0.1:5432/awareness_loadtest)
  LOADTEST_REDIS_URL     Redis for the cache and sessions
                         (default redis://127.0.0.1:6379/6 when Redis answers)
  LOADTEST_SECONDS       seconds per run (default 60)
  LOADTEST_CONNECTIONS   learners at once (default 32)
  LOADTEST_WORKERS       gunicorn workers (default: one per core)
  LOCAL_PORTS            ports the server may use, e.g. "8200-8299"
"""

import collections
import os
import random
import re
import signal
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
from pathlib import Path

from .browser import Learner, csrf_token
from .servers import (
    Server,
    answers,
    forget_redis_keys,
    fresh_database,
    prepare_site,
    site_environment,
)

DATABASE_URL = os.environ.get(
    "LOADTEST_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/awareness_loadtest"
)
SECONDS = float(os.environ.get("LOADTEST_SECONDS", "60"))
CONNECTIONS = int(os.environ.get("LOADTEST_CONNECTIONS", "32"))
QUIZZES = [
    "suspicious-calls",
    "documents-and-accounts",
    "shopping-and-couriers",
    "jobs-and-workplace",
]
OPTION = re.compile(r'name="choice" value="([^"]+)"')


class Tally:
    """What the learners saw, shared by their threads."""

    def __init__(self):
        self.lock = threading.Lock()
        self.attempts = set()
        self.acknowledged = {}  # (attempt, position) -> frozenset of keys
        self.twice = []
        self.counts = collections.Counter()

    def started(self, public_id):
        with self.lock:
            self.attempts.add(public_id)

    def count(self, what, n=1):
        with self.lock:
            self.counts[what] += n

    def acknowledge(self, public_id, position, keys):
        with self.lock:
            key = (public_id, position)
            if key in self.acknowledged:
                self.twice.append(key)
            self.acknowledged[key] = frozenset(keys)
            self.counts["answers acknowledged"] += 1


def request(tally, send, *args):
    """Send one request; count server errors and dropped connections.

    Return the result, or None if the connection failed (the learner then
    tries again, as a person would press the button again).
    """
    try:
        result = send(*args)
    except urllib.error.HTTPError as error:
        tally.count(f"HTTP {error.code}")
        if error.code >= 500:
            tally.count("server errors")
        return None
    except OSError:
        tally.count("connection errors")
        return None
    tally.count("requests")
    return result


def take_quizzes(base, tally, deadline, seed):
    rng = random.Random(seed)
    while time.monotonic() < deadline:
        learner = Learner(base)
        slug = rng.choice(QUIZZES)
        page = request(tally, learner.get, f"/en/quizzes/{slug}/")
        if page is None:
            continue
        token = csrf_token(page)
        location = request(
            tally,
            learner.post,
            f"/en/quizzes/{slug}/start/",
            {"csrfmiddlewaretoken": token},
        )
        if not location:
            continue
        public_id = re.search(r"/attempts/([0-9a-f-]+)/", location)[1]
        answer_all(learner, tally, public_id, rng, deadline)


def answer_all(learner, tally, public_id, rng, deadline):
    tally.started(public_id)
    total = None
    position = 1
    token = None
    while time.monotonic() < deadline and (total is None or position <= total):
        path = f"/en/attempts/{public_id}/{position}/"
        page = request(tally, learner.get, path)
        if page is None:
            continue
        total = int(re.search(r'<progress[^>]* max="(\d+)"', page)[1])
        token = csrf_token(page)
        options = OPTION.findall(page)
        if not options:  # answered already, by an earlier try
            position += 1
            continue
        multiple = 'type="checkbox"' in page
        keys = rng.sample(options, rng.randint(1, 2) if multiple else 1)
        data = {"csrfmiddlewaretoken": token, "choice": keys}
        location = None
        while location is None and time.monotonic() < deadline:
            location = request(tally, learner.post, path + "answer/", data)
        if location is None:
            return
        # Recorded: feedback on this question, or the next one. A redirect
        # back to the same question means it had been answered before.
        if location.endswith(f"{path}#feedback") or not location.endswith(path):
            tally.acknowledge(public_id, position, keys)
        position += 1
    if token and total is not None and position > total:
        finish = f"/en/attempts/{public_id}/finish/"
        data = {"csrfmiddlewaretoken": token}
        if request(tally, learner.post, finish, data):
            tally.count("attempts finished")


def run(server, *, kill_after=None):
    tally = Tally()
    deadline = time.monotonic() + SECONDS
    threads = [
        threading.Thread(target=take_quizzes, args=(server.url, tally, deadline, n))
        for n in range(CONNECTIONS)
    ]
    for thread in threads:
        thread.start()
    killed = None
    if kill_after is not None:
        time.sleep(kill_after)
        killed = server.worker_pids()[0]
        os.kill(killed, signal.SIGKILL)
        print(f"  killed gunicorn worker {killed} with SIGKILL", flush=True)
    for thread in threads:
        thread.join(timeout=SECONDS + 120)
    return tally, killed


def verify(database_url, tally):
    """Return the problems: acknowledged answers missing, wrong or doubled."""
    import psycopg

    problems = []
    with psycopg.connect(database_url) as connection:
        rows = connection.execute(
            """
            SELECT a.public_id::text, x.position, x.answered_at IS NOT NULL,
                   array_remove(array_agg(c.key), NULL), count(xc.id)
            FROM quizzes_attempt a
            JOIN quizzes_answer x ON x.attempt_id = a.id
            LEFT JOIN quizzes_answer_choices xc ON xc.answer_id = x.id
            LEFT JOIN quizzes_choice c ON c.id = xc.choice_id
            GROUP BY a.public_id, x.position, x.answered_at
            """
        ).fetchall()
    stored = {
        (pid, pos): (done, keys, n)
        for pid, pos, done, keys, n in rows
        if pid in tally.attempts
    }
    problems += [f"acknowledged twice: {key}" for key in tally.twice]
    for key, keys in tally.acknowledged.items():
        done, stored_keys, links = stored.get(key, (False, [], 0))
        if not done:
            problems.append(f"acknowledged but not stored: {key}")
        elif frozenset(stored_keys) != keys or links != len(keys):
            problems.append(f"stored differently: {key} {sorted(stored_keys)}")
    recorded = sum(1 for done, _keys, _n in stored.values() if done)
    return problems, recorded


def report(title, tally, recorded, problems, killed=None):
    counts = tally.counts
    print(f"\n{title}")
    print(f"  requests answered          {counts['requests']:>8}")
    print(f"  answers acknowledged       {counts['answers acknowledged']:>8}")
    print(f"  answers stored             {recorded:>8}")
    print(f"  attempts finished          {counts['attempts finished']:>8}")
    print(f"  server errors (5xx)        {counts['server errors']:>8}")
    print(f"  connections dropped        {counts['connection errors']:>8}")
    others = {k: v for k, v in counts.items() if k.startswith("HTTP ")}
    if others:
        print(f"  other statuses             {others}")
    if killed:
        print(f"  worker killed mid-run      {killed}")
    print(
        f"  acknowledged answers lost, changed or doubled: {len(problems)}"
        + "".join(f"\n    {problem}" for problem in problems[:10])
    )
    return not problems and not counts["server errors"]


def main():
    if not answers("127.0.0.1", 5432):
        sys.exit(
            "make loadtest needs PostgreSQL on 127.0.0.1:5432 (the site's production "
            "database): install and start it (Debian: apt-get install postgresql), "
            "or point LOADTEST_DATABASE_URL at a server on this machine."
        )
    redis_url = os.environ.get("LOADTEST_REDIS_URL", "")
    if not redis_url and answers("127.0.0.1", 6379):
        redis_url = "redis://127.0.0.1:6379/6"
    logs = Path(tempfile.mkdtemp(prefix="awareness-loadtest-"))
    ok = True
    with fresh_database(DATABASE_URL) as database_url:
        # Rate limits off: 32 scripted learners from one address answer far
        # faster than people, which is what this test is for.
        env = site_environment(database_url, redis_url, DJANGO_RATE_LIMITS="off")
        print(f"Preparing {database_url} with the real content…", flush=True)
        prepare_site(env)
        workers = os.environ.get("LOADTEST_WORKERS")
        cache = "Redis" if redis_url else "local memory"
        try:
            for title, kill_after in (
                ("Run 1: no faults", None),
                ("Run 2: one gunicorn worker killed with kill -9", SECONDS / 3),
            ):
                print(
                    f"\n{title}: {CONNECTIONS} learners for {SECONDS:.0f} s, "
                    f"PostgreSQL, {cache}…",
                    flush=True,
                )
                with Server(
                    "awareness.wsgi", env, workers=workers, log=logs / "site.log"
                ) as server:
                    tally, killed = run(server, kill_after=kill_after)
                problems, recorded = verify(database_url, tally)
                ok &= report(title, tally, recorded, problems, killed)
        finally:
            forget_redis_keys(redis_url, env["DJANGO_CACHE_KEY_PREFIX"])
    print(f"\nServer log: {logs / 'site.log'}")
    print("PASSED" if ok else "FAILED")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()

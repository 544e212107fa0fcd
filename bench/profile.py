"""A learner's path, timed and profiled in-process with production settings.

    .venv/bin/python -m bench.profile                 # medians per step
    .venv/bin/python -m bench.profile --profile question --top 30

Each round starts the bench quiz as a new anonymous learner and, for every
question, views it for the first time, answers it (no JavaScript: the
redirect), views its feedback, and at the end finishes and views the
result; My progress and the uncached home page are timed too. Django's test
client runs the whole middleware stack and the templates, without a socket,
so what is timed is Django's and the site's own Python and SQL. The
database is a fresh SQLite file with the real content, page caches off;
PROFILE_DATABASE_URL names a PostgreSQL database to create and drop instead
(never the one you keep: it is dropped first).
"""

import argparse
import cProfile
import os
import pstats
import re
import secrets
import statistics
import sys
import tempfile
import time
from collections import defaultdict

STEPS = ("question", "answer", "feedback", "result", "progress", "home")
SLUG = "suspicious-calls"
CHOICE = re.compile(r'name="choice" value="([^"]+)"')


def configure(database_url):
    os.environ.update(
        DJANGO_SETTINGS_MODULE="awareness.settings",
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="testserver",
        DJANGO_HTTPS="0",
        DJANGO_RATE_LIMITS="off",
        DJANGO_PAGE_CACHE_SECONDS="0",
        DJANGO_CACHE_DIR=tempfile.mkdtemp(prefix="awareness-profile-cache-"),
        DJANGO_LOG_LEVEL="WARNING",
        DATABASE_URL=database_url,
    )
    os.environ.pop("REDIS_URL", None)
    import django

    django.setup()


def walk(client, timings, profiler, wanted):
    """Take the bench quiz once, timing (and maybe profiling) each step."""

    def timed(step, method, url, **data):
        profiling = profiler is not None and step == wanted
        if profiling:
            profiler.enable()
        start = time.perf_counter()
        response = (
            getattr(client, method)(url, data) if data else getattr(client, method)(url)
        )
        timings[step].append(time.perf_counter() - start)
        if profiling:
            profiler.disable()
        assert response.status_code in (200, 302), (step, url, response.status_code)
        return response

    response = client.post(f"/en/quizzes/{SLUG}/start/")
    url = response["Location"]
    while True:
        page = timed("question", "get", url).content.decode()
        keys = CHOICE.findall(page)
        assert keys, (url, page[:3000])
        response = timed("answer", "post", f"{url}answer/", choice=keys[0])
        feedback = response["Location"].split("#")[0]
        page = timed("feedback", "get", feedback).content.decode()
        following = re.search(r'href="(/en/attempts/[^"]+/\d+/)">Next question', page)
        if not following:
            break
        url = following.group(1)
    finish = re.search(r'action="(/en/attempts/[^"]+/finish/)"', page).group(1)
    result = client.post(finish)["Location"]
    timed("result", "get", result)
    timed("progress", "get", "/en/progress/")
    timed("home", "get", "/en/")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--profile", choices=STEPS, help="cProfile this step")
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--sort", default="tottime", help="pstats sort key")
    args = parser.parse_args()

    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    from bench.servers import fresh_database

    with fresh_database(os.environ.get("PROFILE_DATABASE_URL") or None) as url:
        configure(url)
        from django.core.management import call_command
        from django.test import Client

        # As `make serve` does: the manifest names the static files.
        call_command("collectstatic", interactive=False, verbosity=0)
        call_command("migrate", verbosity=0)
        call_command("load_content", verbosity=0)
        timings = defaultdict(list)
        profiler = cProfile.Profile() if args.profile else None
        # The first round warms up what a running server has warm.
        walk(Client(), defaultdict(list), None, None)
        for _ in range(args.rounds):
            walk(Client(), timings, profiler, args.profile)
        print(f"{args.rounds} rounds, medians:")
        for step in STEPS:
            values = timings[step]
            print(
                f"  {step:9} {statistics.median(values) * 1000:6.1f} ms ({len(values)} requests)"
            )
        if profiler:
            calls = len(timings[args.profile])
            stats = pstats.Stats(profiler)
            print(
                f"\n{args.profile}: {stats.total_calls // calls:,} function calls per request"
            )
            stats.sort_stats(args.sort).print_stats(args.top)


if __name__ == "__main__":
    main()

"""`make bench`: the site's pages and answering against a bare-Django floor.

Starts the site under gunicorn on 127.0.0.1 with a fresh database and the
real content, a second copy with the page cache off
(DJANGO_PAGE_CACHE_SECONDS=0), and beside them the floor (bench/floor.py)
and the reference views (bench/reference_urls.py) under the same gunicorn
settings. Loads each with wrk at several concurrencies and prints one
table: requests per second, p50 and p99 latency, errors, queries per
request, and each row's ratio to the floor's template view measured just
before that row at the same concurrency, which is what the targets are set
in (PUBLIC_TARGET and the rest, below). Any error misses the row's target.

Environment:
  BENCH_DATABASE_URL  a PostgreSQL URL for a database to create and drop
                      (default: SQLite in a temporary folder)
  BENCH_REDIS_URL     Redis for the caches (default: none; files instead)
  BENCH_SECONDS       seconds per measurement (default 10)
  BENCH_CONCURRENCY   connections, e.g. "1,8,32" (the default)
  LOCAL_PORTS         ports the servers may use, e.g. "8200-8299"
"""

import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

from .browser import Learner, csrf_token
from .servers import (
    ROOT,
    Server,
    fresh_database,
    prepare_site,
    site_environment,
)

SECONDS = int(os.environ.get("BENCH_SECONDS", "10"))
CONCURRENCY = [int(c) for c in os.environ.get("BENCH_CONCURRENCY", "1,8,32").split(",")]
# Shares of the floor's template view each kind of page must reach.
PUBLIC_TARGET = 0.5  # a public page, from the page cache
UNCACHED_TARGET = 0.2  # any page made for its request: caches off, a learner's
FIRST_VIEW_TARGET = 0.2  # a question not answered yet
FEEDBACK_TARGET = 0.2  # a question just answered, with its feedback
RESULT_TARGET = 0.1  # the result of a finished attempt
ANSWER_TARGET = 0.15  # the answer POST, and 60 % of the two-statement reference
ANSWER_OF_REFERENCE = 0.6
ANSWERED_QUESTION_TARGET = 0.08  # answer, feedback in place, next question
# Queries an answer may take to record, on PostgreSQL (no savepoints).
ANSWER_QUERIES = 4
# The quiz every scripted learner takes.
SLUG = "suspicious-calls"


def ensure_wrk():
    """Return wrk's path, installing Debian's package when possible."""
    found = shutil.which("wrk")
    if found:
        return found
    if shutil.which("apt-get") and os.geteuid() == 0:
        print("wrk is missing: installing Debian's package…", flush=True)
        subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=False)
        found = shutil.which("wrk")
        if not found:
            subprocess.run(["apt-get", "update", "-qq"], check=False)
            subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=False)
            found = shutil.which("wrk")
    if not found:
        sys.exit(
            "make bench needs wrk, the HTTP load generator. Install it with\n"
            "  sudo apt-get install wrk      (Debian, Ubuntu)\n"
            "  brew install wrk              (macOS)\n"
            "and run make bench again."
        )
    return found


def wrk(url, connections, *, headers=(), script=None, script_args=()):
    """Run wrk against one URL; return its numbers."""
    command = [
        ensure_wrk(),
        f"--threads={min(connections, 2)}",
        f"--connections={connections}",
        f"--duration={SECONDS}s",
        "--timeout=10s",
        "--latency",
    ]
    for header in headers:
        command += ["--header", header]
    if script:
        command += ["--script", str(script)]
    command.append(url)
    if script_args:
        command += ["--", *script_args]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    return parse_wrk(output)


def _milliseconds(text):
    value, unit = re.match(r"([\d.]+)(us|ms|s)", text).groups()
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def parse_wrk(output):
    requests = int(re.search(r"(\d+) requests in", output)[1])
    errors = 0
    if match := re.search(r"Non-2xx or 3xx responses: (\d+)", output):
        errors += int(match[1])
    if match := re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    ):
        errors += sum(int(n) for n in match.groups())
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output)[1]),
        "p50": _milliseconds(re.search(r"^\s+50%\s+(\S+)", output, re.M)[1]),
        "p99": _milliseconds(re.search(r"^\s+99%\s+(\S+)", output, re.M)[1]),
        "requests": requests,
        "errors": errors,
    }


def start_attempts(learner, slug, count):
    """Start `count` attempts of a quiz as this learner, through the site."""
    token = csrf_token(learner.get(f"/en/quizzes/{slug}/"))
    locations = []
    for _ in range(count):
        location = learner.post(
            f"/en/quizzes/{slug}/start/", {"csrfmiddlewaretoken": token}
        )
        locations.append(location)
    return [re.search(r"/attempts/([0-9a-f-]+)/", loc)[1] for loc in locations]


def complete_attempt(learner, public_id):
    """Answer every question of an attempt through its forms, then finish."""
    position = 1
    while True:
        path = f"/en/attempts/{public_id}/{position}/"
        try:
            page = learner.get(path)
        except urllib.error.HTTPError:  # past the last question
            break
        choice = re.search(r'name="choice" value="([^"]+)"', page)
        if not choice:
            break
        token = csrf_token(page)
        learner.post(
            path + "answer/", {"csrfmiddlewaretoken": token, "choice": choice[1]}
        )
        position += 1
    learner.post(f"/en/attempts/{public_id}/finish/", {"csrfmiddlewaretoken": token})


def answer_lines(public_ids, token):
    """Return "path<TAB>body" lines answering every question once, in order.

    Position-major order: all first questions, then all second ones, so
    that one attempt's next answer is sent long after its previous one.
    """
    from quizzes.models import Attempt

    attempts = Attempt.objects.filter(public_id__in=public_ids).prefetch_related(
        "answers__question__choices"
    )
    by_position = {}
    for attempt in attempts:
        for answer in attempt.answers.all():
            choice = answer.question.choices.all()[0]
            body = urllib.parse.urlencode(
                {"csrfmiddlewaretoken": token, "choice": choice.key}
            )
            path = f"/en/attempts/{attempt.public_id}/{answer.position}/answer/"
            by_position.setdefault(answer.position, []).append(f"{path}\t{body}")
    return [line for position in sorted(by_position) for line in by_position[position]]


def count_queries(method, path, cookies="", data=None, *, page_cache=True):
    """Return the queries one request makes, in steady state (second try),
    and how many of them write."""
    from django.db import connection
    from django.test import Client, override_settings
    from django.test.utils import CaptureQueriesContext

    client = Client()
    for pair in filter(None, cookies.split("; ")):
        name, value = pair.split("=", 1)
        client.cookies[name] = value
    with override_settings(**({} if page_cache else {"PAGE_CACHE_SECONDS": 0})):
        if method == "GET":
            client.get(path)
        with CaptureQueriesContext(connection) as queries:
            if method == "GET":
                client.get(path)
            else:
                client.post(path, data)
    writes = [
        query
        for query in queries
        if query["sql"].lstrip().split(" ", 1)[0] in ("INSERT", "UPDATE", "DELETE")
    ]
    return len(queries), len(writes)


def machine():
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = ""
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f", {kb / 1024 / 1024:.0f} GiB"
    except (OSError, ValueError, IndexError):
        pass
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else 0
    return (
        f"{os.cpu_count()} cores ({cpu}){memory}; {platform.system()} "
        f"{platform.release()}; Python {platform.python_version()}; "
        f"load average {load:.2f} at the start"
    )


def main():
    wrk_path = ensure_wrk()
    database = os.environ.get("BENCH_DATABASE_URL", "")
    redis_url = os.environ.get("BENCH_REDIS_URL", "")
    logs = Path(tempfile.mkdtemp(prefix="awareness-bench-"))
    started = time.strftime("%Y-%m-%d %H:%M")
    with fresh_database(database) as database_url:
        env = site_environment(database_url, redis_url, DJANGO_RATE_LIMITS="off")
        print("Preparing a fresh database with the real content…", flush=True)
        prepare_site(env)
        os.environ.update(env)
        os.environ["DJANGO_SETTINGS_MODULE"] = "awareness.settings"
        import django

        django.setup()
        from django.conf import settings

        with (
            Server("awareness.wsgi", env, log=logs / "site.log") as site,
            Server(
                "awareness.wsgi",
                {**env, "DJANGO_PAGE_CACHE_SECONDS": "0"},
                log=logs / "uncached.log",
            ) as uncached,
            Server("bench.floor:application", env, log=logs / "floor.log") as floor,
            Server(
                "awareness.wsgi",
                {**env, "DJANGO_SETTINGS_MODULE": "bench.reference_settings"},
                log=logs / "reference.log",
            ) as reference,
        ):
            rows = measure(site, uncached, floor, reference)
        engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
        cache = settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1]
        workers = env.get("WEB_CONCURRENCY", os.cpu_count())
        from .servers import forget_redis_keys

        forget_redis_keys(redis_url, env["DJANGO_CACHE_KEY_PREFIX"])
    report = render(rows)
    wrk_version = subprocess.run(
        [wrk_path, "--version"], capture_output=True, text=True
    ).stdout.split("\n")[0]
    header = (
        f"Run {started}: gunicorn, {workers} sync workers; database {engine}; "
        f"cache {cache}; {SECONDS} s per cell; {wrk_version.strip()}.\n"
        f"Machine: {machine()}.\n"
    )
    print()
    print(header)
    print(report)
    out = ROOT / "var" / "bench-latest.md"
    out.parent.mkdir(exist_ok=True)
    out.write_text(header + "\n" + report + "\n")
    print(f"\nSaved to {out.relative_to(ROOT)}; server logs in {logs}.")
    missed = sorted({f"{r['name']} (c={r['c']})" for r in rows if r["missed"]})
    print("Targets missed: " + ", ".join(missed) if missed else "Every target met.")
    # A benchmark that ran is a success; errors mean it did not really run.
    sys.exit(1 if any(r["errors"] for r in rows) else 0)


def measure(site, uncached, floor, reference):
    reader = Learner(site.url)
    # A learner with some history, for My progress, a question and a result.
    finished = start_attempts(reader, SLUG, 3)
    for public_id in finished:
        complete_attempt(reader, public_id)
    question = f"/en/attempts/{start_attempts(reader, SLUG, 1)[0]}/1/"
    reader_cookies = reader.cookie_header()

    from awareness.models import CaseStudy

    case = CaseStudy.objects.published().order_by("number").first()
    public = [
        ("Home", "/en/"),
        ("A case study", case.get_absolute_url()),
        ("Quiz list", "/en/quizzes/"),
    ]
    # A learner's own pages are made for every request: no cache holds them.
    learner_pages = [
        ("A question, seen again (learner)", question, UNCACHED_TARGET),
        ("My progress (learner)", "/en/progress/", UNCACHED_TARGET),
        ("A result (learner)", f"/en/attempts/{finished[0]}/", RESULT_TARGET),
    ]
    rows = []
    for connections in CONCURRENCY:
        floor_constant = wrk(floor.url + "/constant", connections)
        rows.append(row("Floor: constant response", connections, floor_constant, 0))
        rows.append(
            row(
                "Floor: small template",
                connections,
                floor_template(floor, connections),
                0,
            )
        )
        pages = (
            [(site, name, path, "", PUBLIC_TARGET) for name, path in public]
            + [
                (uncached, f"{name}, caches off", path, "", UNCACHED_TARGET)
                for name, path in public
            ]
            + [
                (site, name, path, reader_cookies, target)
                for name, path, target in learner_pages
            ]
        )
        for server, name, path, cookies, target in pages:
            # The floor is measured again just before each page, so that each
            # ratio compares two runs made under the same load on the machine.
            base = floor_template(floor, connections)["rps"]
            result = wrk(
                server.url + path,
                connections,
                headers=[f"Cookie: {cookies}"] if cookies else (),
            )
            queries, _writes = count_queries(
                "GET", path, cookies, page_cache=server is site
            )
            rows.append(row(name, connections, result, queries, base, target))
        rows.extend(answering(site, floor, reference, connections))
    return rows


def floor_template(floor, connections):
    return wrk(floor.url + "/template", connections)


def scripted(server, floor, connections, lines, cookies, headers=()):
    """Send each line once (bench/requests.lua: a path to GET, or a path and
    a form to POST) with these cookies; return the floor's template view
    measured just before, and wrk's numbers."""
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as file:
        file.write("\n".join(lines) + "\n")
    try:
        base = floor_template(floor, connections)["rps"]
        result = wrk(
            server.url + "/",
            connections,
            headers=[
                f"Cookie: {cookies}",
                "Content-Type: application/x-www-form-urlencoded",
                *headers,
            ],
            script=Path(__file__).with_name("requests.lua"),
            script_args=[file.name, str(min(connections, 2))],
        )
    finally:
        os.unlink(file.name)
    return base, result


def answering(site, floor, reference, connections):
    """Measure answering: real POSTs with CSRF, each a new question; then
    the pages a learner sees around it."""
    from quizzes.models import Answer

    learner = Learner(site.url)
    needed = int(max(2000, 400 * SECONDS * (1 + connections / 8)))
    public_ids = start_attempts(learner, SLUG, needed // 5)
    page = learner.get(f"/en/attempts/{public_ids[0]}/1/")
    token = csrf_token(page)
    lines = answer_lines(public_ids, token)
    # One line answers through the test client, to count its queries.
    counted_path, counted_body = lines.pop(0).split("\t")
    queries, writes = count_queries(
        "POST",
        counted_path,
        learner.cookie_header(),
        dict(urllib.parse.parse_qsl(counted_body)),
    )
    before = Answer.objects.filter(answered_at__isnull=False).count()
    # Half the lines, in order of position: what the run does not answer is
    # left for the rows below.
    lines = lines[: len(lines) // 2]
    base, result = scripted(site, floor, connections, lines, learner.cookie_header())
    recorded = Answer.objects.filter(answered_at__isnull=False).count() - before - 1
    answer_row = row(
        "Answering a question (POST, no JavaScript: a redirect)",
        connections,
        result,
        queries,
        base,
        ANSWER_TARGET,
    )
    answer_row["note"] = (
        f"{recorded} of {result['requests']} recorded; {writes} writes,"
        f" at most {ANSWER_QUERIES}"
    )
    if recorded < result["requests"] * 0.99 or writes > ANSWER_QUERIES:
        answer_row["missed"] = True
    references = reference_rows(
        reference, floor, connections, learner, public_ids, token
    )
    two_statements = references[-1]["rps"]
    share = result["rps"] / two_statements
    answer_row["note"] += f"; {share:.0%} of the two-statement reference"
    if share < ANSWER_OF_REFERENCE:
        answer_row["missed"] = True
    return [
        answer_row,
        *references,
        feedback_views(site, floor, connections, learner, public_ids),
        first_views(site, floor, connections, learner, public_ids),
        answered_questions(site, floor, connections, learner, public_ids, token),
    ]


def reference_rows(reference, floor, connections, learner, public_ids, token):
    """Measure the reference views for answering (bench/reference_urls.py).

    The same learner, session and CSRF token as the answering row, on a
    server that has the reference views too; each two-statement request
    records a new answer of one of the learner's fresh attempts.
    """
    from django.contrib.auth.models import AnonymousUser

    from quizzes.models import Answer, Attempt, Quiz

    key = Attempt.objects.get(public_id=public_ids[0]).learner_key
    quiz = Quiz.objects.get(slug=SLUG)
    attempts = [
        Attempt.objects.start(quiz=quiz, user=AnonymousUser(), learner_key=key).pk
        for _ in range(1200 * SECONDS // quiz.questions.count())
    ]
    fresh = Answer.objects.filter(attempt__in=attempts).values_list("pk", flat=True)
    body = urllib.parse.urlencode({"csrfmiddlewaretoken": token, "choice": "x"})
    threads = min(connections, 2)
    rows = []
    for name, lines, queries in [
        (
            "Reference: a POST that does nothing, through the same middleware",
            [f"/reference/post-only/1/\t{body}"] * threads,
            0,
        ),
        (
            "Reference: answering in two hand-written SQL statements",
            [f"/reference/two-statements/{pk}/\t{body}" for pk in fresh],
            2,
        ),
    ]:
        before = Answer.objects.filter(answered_at__isnull=False).count()
        base, result = scripted(
            reference, floor, connections, lines, learner.cookie_header()
        )
        rows.append(row(f"{name} (no target)", connections, result, queries, base))
        if queries:
            recorded = Answer.objects.filter(answered_at__isnull=False).count() - before
            rows[-1]["note"] = f"{recorded} of {result['requests']} recorded"
    return rows


def _client_of(learner):
    from django.test import Client

    client = Client()
    for pair in learner.cookie_header().split("; "):
        name, value = pair.split("=", 1)
        client.cookies[name] = value
    return client


def _queries_of(client, path, **headers):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        client.get(path, headers=headers)
    return len(queries)


def feedback_views(site, floor, connections, learner, public_ids):
    """Measure questions just answered: each page shows its feedback."""
    from quizzes.models import Answer

    answered = Answer.objects.filter(
        attempt__public_id__in=public_ids, answered_at__isnull=False
    ).values_list("attempt__public_id", "position")
    paths = [
        f"/en/attempts/{public_id}/{position}/" for public_id, position in answered
    ]
    queries = _queries_of(_client_of(learner), paths.pop())
    base, result = scripted(site, floor, connections, paths, learner.cookie_header())
    views_row = row(
        "A question just answered, with its feedback (learner)",
        connections,
        result,
        queries,
        base,
        FEEDBACK_TARGET,
    )
    views_row["note"] = f"{min(result['requests'], len(paths))} different pages"
    return views_row


def _next_questions(public_ids):
    """Return each attempt's first unanswered position, as (public_id, n)."""
    from django.db.models import Min

    from quizzes.models import Answer

    return list(
        Answer.objects.filter(
            attempt__public_id__in=public_ids, answered_at__isnull=True
        )
        .values_list("attempt__public_id")
        .annotate(position=Min("position"))
        .order_by("attempt__public_id")
    )


def first_views(site, floor, connections, learner, public_ids):
    """Measure the question a learner goes on to: not answered yet.

    No cache holds a learner's page, so a second look costs the same; the
    run has one page per attempt and sends them again when it runs out.
    """
    paths = [f"/en/attempts/{pid}/{n}/" for pid, n in _next_questions(public_ids)]
    queries = _queries_of(_client_of(learner), paths[-1])
    base, result = scripted(site, floor, connections, paths, learner.cookie_header())
    views_row = row(
        "A question, first view (learner)",
        connections,
        result,
        queries,
        base,
        FIRST_VIEW_TARGET,
    )
    views_row["note"] = f"{min(result['requests'], len(paths))} different pages"
    return views_row


def answered_questions(site, floor, connections, learner, public_ids, token):
    """Measure one question answered with JavaScript on: the answer POST,
    whose response is the question with its feedback, then the next one.

    Each thread of wrk sends its lines in order: its POST, then its GET.
    """
    from quizzes.models import Answer

    threads = min(connections, 2)
    pairs = []
    for public_id, position in _next_questions(public_ids):
        answer = (
            Answer.objects.filter(attempt__public_id=public_id, position=position)
            .select_related("question")
            .get()
        )
        choice = answer.question.choices.all()[0]
        body = urllib.parse.urlencode(
            {"csrfmiddlewaretoken": token, "choice": choice.key}
        )
        base_path = f"/en/attempts/{public_id}"
        pairs.append(
            (f"{base_path}/{position}/answer/\t{body}", f"{base_path}/{position + 1}/")
        )
    lines = []
    for start in range(0, len(pairs) - threads + 1, threads):
        group = pairs[start : start + threads]
        lines += [post for post, _get in group] + [get for _post, get in group]
    before = Answer.objects.filter(answered_at__isnull=False).count()
    base, result = scripted(
        site,
        floor,
        connections,
        lines,
        learner.cookie_header(),
        headers=["X-Requested-With: fetch"],
    )
    recorded = Answer.objects.filter(answered_at__isnull=False).count() - before
    # Two requests make one answered question.
    per_question = {**result, "rps": result["rps"] / 2}
    questions_row = row(
        "One question answered with JavaScript: answer with feedback, next"
        " question (per question)",
        connections,
        per_question,
        "–",
        base,
        ANSWERED_QUESTION_TARGET,
    )
    questions_row["note"] = f"{recorded} of {result['requests'] // 2} recorded"
    return questions_row


def row(name, connections, result, queries, base=None, target=None):
    ratio = result["rps"] / base if base else None
    return {
        "name": name,
        "c": connections,
        **result,
        "queries": queries,
        "base": base,
        "ratio": ratio,
        "target": target,
        "missed": bool(result["errors"]) or (target is not None and ratio < target),
    }


def render(rows):
    lines = [
        "| page | conc. | req/s | p50 ms | p99 ms | errors | queries "
        "| floor template just before, req/s | ÷ floor template | target |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for r in rows:
        ratio = f"{r['ratio']:.0%}" if r["ratio"] is not None else "–"
        if r["target"] is None:
            target = ""
        else:
            verdict = "missed" if r["missed"] else "met"
            target = f"≥ {r['target']:.0%}: {verdict}"
        note = f" ({r['note']})" if r.get("note") else ""
        base = f"{r['base']:,.0f}" if r["base"] else "–"
        lines.append(
            f"| {r['name']}{note} | {r['c']} | {r['rps']:,.0f} | {r['p50']:.1f} | "
            f"{r['p99']:.1f} | {r['errors']} | {r['queries']} | {base} | {ratio} "
            f"| {target} |"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    main()

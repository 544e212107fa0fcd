"""Run Lighthouse on the site's page types and print their four scores.

    python scripts/lighthouse.py [--pages home,question] [--min-score 95]
        [--min-performance 90]

Starts the site on 127.0.0.1 with production-like settings (DEBUG off, a
throwaway secret key, a fresh SQLite database with the real content, static
files collected with hashed names), plays a learner over HTTP to reach the
learner's pages (a question, its feedback, a result, a certificate, a link
passed on, a simulation's step and debrief, review and progress), and runs
Lighthouse (from node_modules/, in Debian's Chromium) with the mobile and
desktop presets. Exits non-zero when a score is below --min-score, or below
--min-performance for performance (default: --min-score), which a loaded
machine's timings sway. Pages kept out of search engines (NOINDEX_PAGES)
must fail is-crawlable; their SEO score is that of the other SEO audits.
`make lighthouse` runs it.
"""

import argparse
import json
import os
import secrets
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from html.parser import HTMLParser
from http.cookiejar import CookieJar
from pathlib import Path
from urllib.parse import urlencode, urljoin

ROOT = Path(__file__).resolve().parent.parent
LIGHTHOUSE = ROOT / "node_modules" / ".bin" / "lighthouse"
CHROME = os.environ.get("CHROME_PATH", "/usr/bin/chromium")
CHROME_FLAGS = (
    "--headless --no-sandbox --disable-gpu --disable-background-networking "
    "--disable-component-update --disable-sync --no-first-run"
)
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
PAGES = (
    "home",
    "case",
    "case-leaflet",
    "chain",
    "tip",
    "tip-leaflet",
    "guide",
    "search",
    "easy-read",
    "quizzes",
    "question",
    "feedback",
    "result",
    "certificate",
    "verify",
    "challenge",
    "review",
    "progress",
    "simulations",
    "simulation-step",
    "debrief",
    "tracks",
    "track",
    "sign-in",
    "sign-up",
)
# Kept out of search engines on purpose: a certificate, its check and a link
# passed on (<meta name=robots content=noindex>), search results (robots.txt:
# endless and thin). Lighthouse's is-crawlable audit must fail there, and
# their SEO score is that of the category's other audits, which must pass.
NOINDEX_PAGES = {"certificate", "verify", "challenge", "search"}
# Pages about the learner the tour plays: sent with its session cookie.
LEARNER_PAGES = {
    "question",
    "feedback",
    "result",
    "certificate",
    "review",
    "progress",
    "simulation-step",
    "debrief",
}
PRESETS = ("mobile", "desktop")
ATTEMPTS = 3


# The site, run the way production runs it until whitenoise serves statics.


def serve(port):
    """Serve the site as production does, static files by whitenoise."""
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.servers.basehttp import run
    from django.core.wsgi import get_wsgi_application

    run("127.0.0.1", port, get_wsgi_application(), threading=True)


def page_urls():
    """Print the tour's public URLs as JSON (a subprocess with Django)."""
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.urls import reverse

    from awareness.models import CaseStudy, Guide, PrecautionTip
    from quizzes.models import Quiz
    from simulations.models import Simulation
    from tracks.models import Track

    quiz = Quiz.objects.published().filter(feedback=Quiz.Feedback.IMMEDIATE).first()
    case = CaseStudy.objects.published().first()
    tip = PrecautionTip.objects.published().first()
    print(
        json.dumps(
            {
                "home": reverse("home"),
                "case": case.get_absolute_url(),
                "case-leaflet": reverse("case_study_leaflet", args=[case.slug]),
                "chain": reverse("chain"),
                "tip": tip.get_absolute_url(),
                "tip-leaflet": reverse("tip_leaflet", args=[tip.slug]),
                "guide": Guide.objects.published().first().get_absolute_url(),
                "search": reverse("search") + "?q=courier",
                "easy-read": reverse("easy_read"),
                "quizzes": reverse("quizzes:quiz_list"),
                "quiz": quiz.get_absolute_url(),
                "review": reverse("quizzes:review"),
                "progress": reverse("quizzes:progress"),
                "simulations": reverse("simulations:list"),
                "simulation": Simulation.objects.published().first().get_absolute_url(),
                "tracks": reverse("tracks:track_list"),
                "track": Track.objects.published().first().get_absolute_url(),
                "sign-in": reverse("accounts:login"),
                "sign-up": reverse("accounts:signup"),
            }
        )
    )


def right_answers(public_id):
    """Print an attempt's right choices by position, as JSON.

    The tour passes a quiz to reach its certificate; a learner who read the
    site would know these answers, a script has to be told them.
    """
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from quizzes.models import Attempt

    attempt = Attempt.objects.get(public_id=public_id)
    print(
        json.dumps(
            {
                answer.position: [
                    choice.key
                    for choice in answer.question.choices.all()
                    if choice.is_correct
                ]
                for answer in attempt.answers.select_related("question")
            }
        )
    )


def challenge_token():
    """Print the token of the one link the tour passed on."""
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from challenges.models import Challenge

    print(json.dumps(Challenge.objects.get().token))


# A learner, over HTTP like any other.


class Forms(HTMLParser):
    """Collect each form's action and inputs."""

    def __init__(self):
        super().__init__()
        self.forms = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms.append({"action": attrs.get("action", ""), "inputs": []})
        elif tag in ("input", "button") and self.forms:
            self.forms[-1]["inputs"].append(attrs)


class Learner:
    def __init__(self, base):
        self.base = base
        self.cookies = CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.cookies)
        )

    def get(self, url):
        with self.opener.open(urljoin(self.base, url)) as response:
            return response.url, response.read().decode()

    def submit(self, url, html, action_part, choose=None, data=()):
        """Submit the page's form whose action contains action_part.

        choose: the choice values to tick, or "first" for the first one.
        """
        parser = Forms()
        parser.feed(html)
        form = next(f for f in parser.forms if action_part in f["action"])
        data = [
            (i["name"], i.get("value", ""))
            for i in form["inputs"]
            if i.get("type") == "hidden" and i.get("name")
        ] + list(data)
        if choose == "first":
            options = [i for i in form["inputs"] if i.get("name") == "choice"]
            data.append(("choice", options[0]["value"]))
        elif choose is not None:
            data += [("choice", value) for value in choose]
            if not choose:
                # A red-flags message with none: "nothing suspicious".
                data.append(("nothing", "on"))
        request = urllib.request.Request(
            urljoin(url, form["action"]), data=urlencode(data).encode()
        )
        with self.opener.open(request) as response:
            return response.url, response.read().decode()

    def session(self):
        return next(c.value for c in self.cookies if c.name == "sessionid")


def django_json(env, *command):
    """What a subprocess with Django (this script, given command) prints."""
    return json.loads(
        subprocess.run(
            [sys.executable, __file__, *command],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    )


def take(learner, attempt, right=None):
    """Answer every question of an attempt; the right answers if given."""
    while True:
        url, html = learner.get(attempt)
        if 'name="choice"' not in html:
            return url, html
        position = url.rstrip("/").rsplit("/", 1)[1]
        choose = right[position] if right else "first"
        learner.submit(url, html, "/answer/", choose=choose)


def play(base, urls, env):
    """Play a learner through the site; return the pages it reached."""
    learner = Learner(base)
    pages = {}

    # A quiz passed (for its certificate and a link passed on) ...
    url, html = learner.get(urls["quiz"])
    url, html = learner.submit(url, html, "/start/")
    attempt = url.rsplit("/", 2)[0] + "/"
    right = django_json(env, "answers", attempt.rstrip("/").rsplit("/", 1)[1])
    url, html = take(learner, attempt, right)
    pages["result"], html = learner.submit(url, html, "/finish/")
    pages["certificate"], _html = learner.submit(pages["result"], html, "/certificate/")
    code = pages["certificate"].rstrip("/").rsplit("/", 1)[1]
    pages["verify"] = urljoin(pages["certificate"], f"../../verify/{code}/")
    learner.submit(
        pages["result"],
        html,
        "/pass-it-on/",
        data=[("message", "Try this before you answer the next call")],
    )
    token = django_json(env, "challenge")
    pages["challenge"] = urljoin(pages["certificate"], f"../../c/{token}/")

    # ... a question just answered, and one not yet.
    url, html = learner.get(urls["quiz"])
    url, html = learner.submit(url, html, "/start/")
    learner.submit(url, html, "/answer/", choose="first")
    pages["feedback"] = url
    url, html = learner.get(urls["quiz"])
    pages["question"], _html = learner.submit(url, html, "/start/")

    # A simulation: a step one turn in (a run just started is resumed by
    # the next start), then a run of its own played to its debrief.
    url, html = learner.get(urls["simulation"])
    url, html = learner.submit(url, html, "/start/")
    pages["simulation-step"], _html = learner.submit(
        url, html, "/turns/", choose="first"
    )
    url, html = learner.get(urls["simulation"])
    url, html = learner.submit(url, html, "/start/")
    while "/debrief/" not in url:
        url, html = learner.submit(url, html, "/turns/", choose="first")
    pages["debrief"] = url
    return pages, learner.session()


# Lighthouse.


def lighthouse(url, preset, cookie, output, noindex=False):
    command = [
        str(LIGHTHOUSE),
        url,
        "--quiet",
        "--output=json",
        f"--output-path={output}",
        f"--only-categories={','.join(CATEGORIES)}",
        f"--chrome-flags={CHROME_FLAGS}",
        "--max-wait-for-load=30000",
        # Weighs nothing in any score and takes a second a run.
        "--disable-full-page-screenshot",
    ]
    if preset == "desktop":
        command.append("--preset=desktop")
    if cookie:
        command.append(f"--extra-headers={json.dumps({'Cookie': cookie})}")
    env = {**os.environ, "CHROME_PATH": CHROME}
    # A busy machine now and then spoils the trace (NO_NAVSTART): try again.
    for attempt in range(1, ATTEMPTS + 1):
        if subprocess.run(command, env=env).returncode == 0:
            break
        if attempt == ATTEMPTS:
            raise SystemExit(f"Lighthouse failed {ATTEMPTS} times on {url}.")
    report = json.loads(Path(output).read_text())
    # A category Lighthouse could not score (performance without a largest
    # contentful paint, say) counts as 0, its reason among the audits lost.
    scores = {
        key: round(100 * (report["categories"][key]["score"] or 0))
        for key in CATEGORIES
    }
    if noindex:
        crawlable = report["audits"]["is-crawlable"]["score"]
        if crawlable != 0:
            raise SystemExit(f"{url} should tell search engines not to index it.")
        refs = [
            ref
            for ref in report["categories"]["seo"]["auditRefs"]
            if ref["id"] != "is-crawlable" and ref["weight"]
        ]
        scores["seo"] = round(
            100
            * sum(
                ref["weight"] * (report["audits"][ref["id"]]["score"] or 0)
                for ref in refs
            )
            / sum(ref["weight"] for ref in refs)
        )
    lost = sorted(
        {
            ref["id"]
            for key in CATEGORIES
            for ref in report["categories"][key]["auditRefs"]
            if ref["weight"]
            and report["audits"][ref["id"]]["score"] is not None
            and report["audits"][ref["id"]]["score"] < 1
            and not (noindex and ref["id"] == "is-crawlable")
        }
    )
    # An error spoils many audits at once: name each error once.
    errors = sorted(
        {
            audit["errorMessage"].rsplit("(", 1)[-1].rstrip(")")
            for audit in report["audits"].values()
            if audit.get("errorMessage")
        }
    )
    lost += [f"could not score: {error}" for error in errors]
    return scores, lost


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(url, seconds=30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2).close()
            return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"The site did not answer at {url}.")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", default=",".join(PAGES))
    parser.add_argument("--presets", default=",".join(PRESETS))
    parser.add_argument("--min-score", type=int, default=0)
    parser.add_argument(
        "--min-performance",
        type=int,
        default=None,
        help="the least for performance alone (default: --min-score)",
    )
    parser.add_argument("--port", type=int, default=0, help="default: a free one")
    options = parser.parse_args()
    pages = options.pages.split(",")
    unknown = set(pages) - set(PAGES)
    if unknown:
        raise SystemExit(f"Unknown pages: {', '.join(sorted(unknown))}")
    if not LIGHTHOUSE.exists():
        raise SystemExit("Lighthouse is missing: run `make node` first.")
    if not Path(CHROME).exists():
        raise SystemExit(f"No Chromium at {CHROME}: apt-get install chromium.")

    port = options.port or free_port()
    base = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory(prefix="lighthouse-") as folder:
        env = {
            **os.environ,
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
            # Plain HTTP on 127.0.0.1: no redirect to https, no Secure cookies.
            "DJANGO_HTTPS": "0",
            "DATABASE_URL": f"sqlite:///{folder}/db.sqlite3",
            "DJANGO_LOCAL_SECRET_KEY": "0",
            "DJANGO_SETTINGS_MODULE": "awareness.settings",
        }
        python = [sys.executable, "-m", "manage"]
        for command in (
            ["migrate", "--no-input"],
            ["load_content"],
            ["collectstatic", "--no-input", "--clear"],
        ):
            subprocess.run(
                python + command,
                cwd=ROOT,
                env=env,
                check=True,
                stdout=subprocess.DEVNULL,
            )
        urls = django_json(env, "urls")
        log = open(Path(folder) / "server.log", "w")  # noqa: SIM115
        server = subprocess.Popen(
            [sys.executable, __file__, "serve", str(port)],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            wait_for(base + urls["home"])
            played, session = play(base, urls, env)
            urls.update(played)
            rows = []
            for page in pages:
                for preset in options.presets.split(","):
                    cookie = f"sessionid={session}" if page in LEARNER_PAGES else None
                    output = Path(folder) / f"{page}-{preset}.json"
                    url = urljoin(base, urls[page])
                    print(f"Lighthouse: {page} ({preset}) {url}", file=sys.stderr)
                    scores, lost = lighthouse(
                        url, preset, cookie, output, noindex=page in NOINDEX_PAGES
                    )
                    rows.append((page, preset, scores, lost))
        finally:
            server.terminate()
            server.wait(timeout=10)
            log.close()

    print(
        f"\n{'page':<16} {'preset':<8} {'perf':>5} {'a11y':>5} {'best':>5} {'seo':>5}"
    )
    least = dict.fromkeys(CATEGORIES, options.min_score)
    if options.min_performance is not None:
        least["performance"] = options.min_performance
    failed = []
    for page, preset, scores, lost in rows:
        values = " ".join(f"{scores[key]:>5}" for key in CATEGORIES)
        print(f"{page:<16} {preset:<8} {values}")
        if lost:
            print(f"{'':<25} short of 100: {', '.join(lost)}")
        failed += [
            f"{page} ({preset}) {key} {scores[key]} < {least[key]}"
            for key in CATEGORIES
            if scores[key] < least[key]
        ]
    if failed:
        print("\nBelow the minimum:\n  " + "\n  ".join(failed))
        return 1
    return 0


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "serve":
        serve(int(sys.argv[2]))
    elif len(sys.argv) > 1 and sys.argv[1] == "urls":
        page_urls()
    elif len(sys.argv) > 1 and sys.argv[1] == "answers":
        right_answers(sys.argv[2])
    elif len(sys.argv) > 1 and sys.argv[1] == "challenge":
        challenge_token()
    else:
        sys.exit(main())

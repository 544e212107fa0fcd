"""Screenshots of the mock-up of every channel, for docs/screens/.

    .venv/bin/python scripts/mock_screens.py OUTDIR [--examples] [--languages en,zh-hans]

Makes a throw-away SQLite database (DATABASE_URL), migrates it, loads the
content (`manage load_content`), and picks one published question per
channel and language, a red-flag item where there is one. With
--examples it uses the made-up questions of quizzes/tests/mock_examples.py
instead (English only). For each, it starts an attempt for a fresh
anonymous session, serves the site on 127.0.0.1 at a free port, and has
Debian's Chromium (headless, through Playwright) take the question page at
390×844 and 1280×900, in light and dark mode; for the first red-flag item
also the feedback after flagging its first part. A channel with no
question is reported and skipped. PNGs are shrunk with Pillow when it is
installed. Files are named mock-CHANNEL-LANGUAGE-SIZE-SCHEME.png.
"""

import argparse
import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("CHROME_PATH", "/usr/bin/chromium")
CHANNELS = (
    "sms",
    "call",
    "chat",
    "email",
    "job_post",
    "courier_slip",
    "payment",
    "web",
    "app_download",
)
SIZES = {"phone": (390, 844), "desktop": (1280, 900)}
SCHEMES = ("light", "dark")
# Preferred kinds: the red-flag mock shows the most, then scam-or-legit.
KIND_ORDER = {"red_flags": 0, "scam_or_legit": 1}


def django_setup():
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def serve(port):
    """Serve the site as production does, static files by whitenoise."""
    django_setup()
    from django.core.servers.basehttp import run
    from django.core.wsgi import get_wsgi_application

    run("127.0.0.1", port, get_wsgi_application(), threading=True)


def prepare(languages, examples):
    """Print, as JSON, one attempt per channel and language to screenshot."""
    django_setup()
    from django.conf import settings
    from django.contrib.sessions.backends.base import SessionBase
    from django.utils.module_loading import import_string

    from quizzes.models import LEARNER_SESSION_KEY, Answer, Attempt, Question

    if examples:
        from quizzes.tests.factories import make_quiz
        from quizzes.tests.mock_examples import make_mock_questions

        quiz = make_quiz(title="Mock-up examples", slug="mock-examples")
        made = make_mock_questions(quiz)
        languages = ["en"]
    store: type[SessionBase] = import_string(f"{settings.SESSION_ENGINE}.SessionStore")
    shots, missing = [], []
    for channel in CHANNELS:
        if examples:
            candidates = [made[channel]] if channel in made else []
        else:
            candidates = sorted(
                Question.objects.published()
                .filter(channel=channel, quiz__is_published=True)
                .select_related("quiz"),
                key=lambda q: (KIND_ORDER.get(q.kind, 2), q.quiz.order, q.order),
            )
        for language in languages:
            field = "body" if language == "en" else f"body_{language.replace('-', '_')}"
            usable = [q for q in candidates if getattr(q, field, None) or q.body]
            if language != "en":
                usable = [q for q in usable if getattr(q, field, None)] or []
            if not usable:
                missing.append(f"{channel} ({language})")
                continue
            question = usable[0]
            key = secrets.token_urlsafe(24)
            session = store()
            session[LEARNER_SESSION_KEY] = key
            session.create()
            attempt = Attempt.objects.create(
                quiz=question.quiz, learner_key=key, seed=1, language=language
            )
            Answer.objects.create(attempt=attempt, question=question, position=1)
            shots.append(
                {
                    "channel": channel,
                    "language": language,
                    "kind": question.kind,
                    "key": question.key,
                    "url": f"/{language}/attempts/{attempt.public_id}/1/",
                    "session": session.session_key,
                }
            )
    print(json.dumps({"shots": shots, "missing": missing}))


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(url, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2).close()
            return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"The site did not answer at {url}.")


def shrink(path):
    """Shrink a PNG to a 256-colour palette, if Pillow is there."""
    try:
        from PIL import Image
    except ImportError:
        return False
    with Image.open(path) as image:
        small = image.convert("RGB").quantize(
            colors=256, method=Image.Quantize.MEDIANCUT
        )
    small.save(path, optimize=True)
    return True


def screenshots(base, shots, outdir, cookie_name):
    from playwright.sync_api import sync_playwright

    taken = []
    answered_one = False
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--disable-gpu", "--no-first-run", "--disable-background-networking"],
        )
        for shot in shots:
            for size, (width, height) in SIZES.items():
                for scheme in SCHEMES:
                    context = browser.new_context(
                        viewport={"width": width, "height": height},
                        device_scale_factor=1,
                        color_scheme=scheme,
                        is_mobile=size == "phone",
                        has_touch=size == "phone",
                        locale=shot["language"],
                    )
                    context.add_cookies(
                        [{"name": cookie_name, "value": shot["session"], "url": base}]
                    )
                    page = context.new_page()
                    page.goto(base + shot["url"])
                    page.locator(".question__prompt").first.scroll_into_view_if_needed()
                    page.evaluate(
                        "() => window.scrollTo(0, document.querySelector("
                        "'.question').getBoundingClientRect().top + scrollY - 8)"
                    )
                    name = (
                        f"mock-{shot['channel']}-{shot['language']}-{size}-{scheme}.png"
                    )
                    page.screenshot(path=outdir / name)
                    taken.append(outdir / name)
                    context.close()
            if shot["kind"] == "red_flags" and not answered_one:
                answered_one = True
                taken += answered(browser, base, shot, outdir, cookie_name)
        browser.close()
    return taken


def answered(browser, base, shot, outdir, cookie_name):
    """Flag the first part, answer, and take the feedback at both sizes."""
    taken = []
    for size, (width, height) in SIZES.items():
        context = browser.new_context(
            viewport={"width": width, "height": height},
            color_scheme="light",
            is_mobile=size == "phone",
            locale=shot["language"],
        )
        context.add_cookies(
            [{"name": cookie_name, "value": shot["session"], "url": base}]
        )
        page = context.new_page()
        page.goto(base + shot["url"])
        if page.locator("label.segment").count():
            page.locator("label.segment").first.click()
            page.get_by_role(
                "button", name=page.locator(".question__submit").inner_text()
            ).click()
            page.locator("#feedback").wait_for()
        page.evaluate(
            "() => window.scrollTo(0, document.querySelector("
            "'#feedback').getBoundingClientRect().top + scrollY - 8)"
        )
        name = f"mock-{shot['channel']}-{shot['language']}-{size}-answered.png"
        page.screenshot(path=outdir / name)
        taken.append(outdir / name)
        context.close()
    return taken


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("outdir", type=Path)
    parser.add_argument("--examples", action="store_true")
    parser.add_argument("--languages", default="en,zh-hans")
    options = parser.parse_args()
    outdir = options.outdir.resolve()
    outdir.mkdir(parents=True, exist_ok=True)
    if not Path(CHROMIUM).exists():
        raise SystemExit(f"No Chromium at {CHROMIUM}: apt-get install chromium.")
    languages = options.languages.split(",")
    if (
        any(code.startswith("zh") for code in languages)
        and not options.examples
        and shutil.which("fc-list")
    ):
        fonts = subprocess.run(
            ["fc-list", ":lang=zh", "family"], capture_output=True, text=True
        ).stdout
        if not fonts.strip():
            print("No Chinese font: Chinese shots will show boxes (fonts-noto-cjk).")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory(prefix="mock-screens-") as folder:
        env = {
            **os.environ,
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
            "DJANGO_HTTPS": "0",
            "DATABASE_URL": f"sqlite:///{folder}/db.sqlite3",
            "DJANGO_LOCAL_SECRET_KEY": "0",
            "DJANGO_SETTINGS_MODULE": "awareness.settings",
        }
        python = [sys.executable, "-m", "manage"]
        subprocess.run(
            python + ["migrate", "--no-input"],
            cwd=ROOT,
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        if not options.examples:
            loaded = subprocess.run(
                python + ["load_content"],
                cwd=ROOT,
                env=env,
                capture_output=True,
                text=True,
            )
            if loaded.returncode:
                raise SystemExit(f"load_content failed:\n{loaded.stderr[-2000:]}")
        subprocess.run(
            python + ["collectstatic", "--no-input", "--clear"],
            cwd=ROOT,
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        command = [sys.executable, __file__, "--prepare", options.languages]
        if options.examples:
            command.append("--examples")
        plan = json.loads(
            subprocess.run(
                command, cwd=ROOT, env=env, check=True, capture_output=True, text=True
            ).stdout
        )
        cookie_name = subprocess.run(
            [
                sys.executable,
                "-c",
                "import django; django.setup(); from django.conf import settings;"
                " print(settings.SESSION_COOKIE_NAME)",
            ],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
        for gap in plan["missing"]:
            print(f"No published question on the channel {gap}: skipped.")
        log = open(Path(folder) / "server.log", "w")  # noqa: SIM115
        server = subprocess.Popen(
            [sys.executable, __file__, "--serve", str(port)],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            wait_for(base + "/en/")
            taken = screenshots(base, plan["shots"], outdir, cookie_name)
        finally:
            server.terminate()
            server.wait(timeout=10)
            log.close()
    shrunk = all(shrink(path) for path in taken)
    for shot in plan["shots"]:
        print(
            f"{shot['channel']:<13} {shot['language']:<8} {shot['kind']:<14} {shot['key']}"
        )
    print(
        f"{len(taken)} screenshots in {outdir}"
        + ("" if shrunk else " (Pillow is missing: not shrunk)")
    )


if __name__ == "__main__":
    if sys.argv[1:2] == ["--serve"]:
        serve(int(sys.argv[2]))
    elif sys.argv[1:2] == ["--prepare"]:
        prepare(sys.argv[2].split(","), "--examples" in sys.argv[3:])
    else:
        main()

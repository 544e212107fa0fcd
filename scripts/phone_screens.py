"""Screenshots of the quiz on a phone and a desktop, for docs/screens/.

Against a running site with the content loaded (make run), through
Debian's Chromium and Playwright: the home page, the first question and
its feedback, and the result of a whole quiz answered with the first
option each time.

    .venv/bin/python scripts/phone_screens.py http://127.0.0.1:8000 docs/screens
"""

import sys
from pathlib import Path

from PIL import Image
from playwright.sync_api import sync_playwright

PHONE = {
    "viewport": {"width": 390, "height": 844},
    "is_mobile": True,
    "has_touch": True,
}
DESKTOP = {"viewport": {"width": 1280, "height": 800}}
FLAGS = ["--disable-gpu", "--disable-background-networking"]


def answer_first(page):
    if page.locator("label.segment").count():
        page.locator("label.segment").first.click()
    else:
        page.locator(".option").first.click()
    page.locator(".question__submit").focus()
    page.keyboard.press("Enter")
    page.locator("#feedback").wait_for()
    page.wait_for_timeout(300)


def shoot(base, out):
    shots = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=FLAGS
        )
        phone = browser.new_context(**PHONE).new_page()
        desktop = browser.new_context(**DESKTOP).new_page()

        def save(page, name, **options):
            path = out / f"{name}.png"
            page.screenshot(path=path, **options)
            shots.append(path)

        for page, width in ((phone, 390), (desktop, 1280)):
            page.goto(f"{base}/en/")
            save(page, f"home-{width}")
        phone.goto(f"{base}/en/quizzes/suspicious-calls/")
        phone.locator("form[action$='/start/'] button").first.click()
        phone.wait_for_load_state()
        save(phone, "question-390")
        # The same question on a wide screen, in the same session.
        desktop.context.add_cookies(phone.context.cookies())
        desktop.goto(phone.url)
        save(desktop, "question-1280")
        answer_first(phone)
        save(phone, "feedback-390")
        desktop.goto(phone.url)
        save(desktop, "feedback-1280")
        while True:
            following = phone.get_by_role("link", name="Next question")
            if not following.count():
                break
            following.click()
            phone.wait_for_load_state()
            answer_first(phone)
        phone.get_by_role("button", name="See your result").click()
        phone.wait_for_load_state()
        save(phone, "result-390", full_page=True)
        desktop.goto(phone.url)
        save(desktop, "result-1280", full_page=True)
        browser.close()
    for path in shots:
        # 256 colours: screenshots of flat pages lose nothing visible.
        image = Image.open(path).convert("RGB").quantize(colors=256)
        image.save(path, optimize=True)
        print(path, path.stat().st_size)


if __name__ == "__main__":
    shoot(sys.argv[1].rstrip("/"), Path(sys.argv[2]))

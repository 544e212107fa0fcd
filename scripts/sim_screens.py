"""Screenshots of a simulation's step and debrief, for docs/screens/.

    .venv/bin/python scripts/sim_screens.py BASE_URL OUTDIR [--slug refund-call]

BASE_URL is a running site with the content loaded (`manage load_content`,
then `manage runserver`). With JavaScript off, as the pages must work
without it, Debian's Chromium (headless, through Playwright) starts the
simulation at 390×844 and 1280×800, takes the first choice, shoots turn 2
with "Fairly sure" ticked (sim-step-WIDTH.png), plays on to an ending and
shoots the whole debrief (sim-debrief-WIDTH.png). PNGs are shrunk with
Pillow when it is installed.
"""

import argparse
import os
from pathlib import Path

from playwright.sync_api import sync_playwright

CHROMIUM = os.environ.get("CHROME_PATH", "/usr/bin/chromium")
FLAGS = [
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
SIZES = ((390, 844), (1280, 800))


def shrink(path):
    try:
        from PIL import Image
    except ImportError:
        return
    image = Image.open(path).convert("RGB")
    image.quantize(colors=128, dither=Image.Dither.NONE).save(path, optimize=True)


def choose(page, option, level):
    page.locator("input[name=choice]").nth(option).check()
    if level is not None:
        page.locator("input[name=confidence]").nth(level).check()
    page.get_by_role("button", name="Make this choice").click()
    page.wait_for_load_state()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("base_url")
    parser.add_argument("outdir", type=Path)
    parser.add_argument("--slug", default="refund-call")
    args = parser.parse_args()
    args.outdir.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        for width, height in SIZES:
            context = browser.new_context(
                viewport={"width": width, "height": height}, java_script_enabled=False
            )
            page = context.new_page()
            page.goto(f"{args.base_url}/en/simulations/{args.slug}/")
            page.get_by_role("button", name="Start the simulation").click()
            page.wait_for_load_state()
            choose(page, 0, None)
            shots = []
            if "/debrief/" not in page.url:
                page.locator("input[name=confidence]").nth(1).check()
                shots.append(args.outdir / f"sim-step-{width}.png")
                page.screenshot(path=shots[-1], full_page=True)
            while "/debrief/" not in page.url:
                choose(page, -1, 2)
            shots.append(args.outdir / f"sim-debrief-{width}.png")
            page.screenshot(path=shots[-1], full_page=True)
            context.close()
            for path in shots:
                shrink(path)
                print(path)
        browser.close()


if __name__ == "__main__":
    main()

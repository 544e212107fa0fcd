from pathlib import Path

from babel.messages.pofile import read_po, write_po
from django.conf import settings
from django.core.management.base import BaseCommand

from awareness.languages import OPENCC_CONFIG, to_traditional

LOCALE = Path(settings.BASE_DIR) / "locale"
SOURCE = LOCALE / "zh_Hans" / "LC_MESSAGES" / "django.po"
TARGET = LOCALE / "zh_Hant" / "LC_MESSAGES" / "django.po"


def traditional_catalog(source):
    """Return the Simplified Chinese catalogue converted to Traditional."""
    with open(source, "rb") as file:
        catalog = read_po(file, locale="zh_Hans")
    catalog.locale = "zh_Hant"
    catalog.header_comment = (
        "# Traditional Chinese interface strings, converted from zh_Hans with\n"
        f"# OpenCC ({OPENCC_CONFIG}) and Taiwan's words from\n"
        "# awareness/zh_tw_phrases.toml. Do not edit: run `make messages` instead."
    )
    for message in catalog:
        if not message.id:
            continue
        if isinstance(message.string, tuple):
            message.string = tuple(to_traditional(s) for s in message.string)
        else:
            message.string = to_traditional(message.string)
    return catalog


class Command(BaseCommand):
    help = (
        "Write the Traditional Chinese interface strings (locale/zh_Hant) from "
        "the Simplified Chinese ones with OpenCC and the Taiwan phrase dictionary."
    )

    def handle(self, **options):
        catalog = traditional_catalog(SOURCE)
        TARGET.parent.mkdir(parents=True, exist_ok=True)
        with open(TARGET, "wb") as file:
            write_po(file, catalog, width=79, include_previous=False)
        self.stdout.write(f"Wrote {TARGET.relative_to(settings.BASE_DIR)}.")

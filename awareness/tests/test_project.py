import re
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command


@pytest.mark.django_db
def test_models_and_migrations_agree():
    call_command("makemigrations", "--check", "--dry-run", stdout=StringIO())


def test_system_checks_pass():
    call_command("check", stdout=StringIO())


def test_every_stylesheet_closes_every_brace_it_opens():
    # A merge that interleaves two appended sections leaves a rule open, and
    # the browser then drops every rule after it without a word.
    for sheet in (settings.BASE_DIR / "static" / "css").glob("*.css"):
        text = re.sub(
            r"/\*.*?\*/",
            lambda comment: "\n" * comment.group().count("\n"),
            sheet.read_text("utf-8"),
            flags=re.S,
        )
        depth = 0
        for number, line in enumerate(text.splitlines(), 1):
            depth += line.count("{") - line.count("}")
            assert depth >= 0, f"{sheet.name}: a stray }} on line {number}"
        assert depth == 0, f"{sheet.name}: {depth} rule(s) left open"

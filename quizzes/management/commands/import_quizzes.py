from pathlib import Path

import reversion
from django.core.management.base import BaseCommand, CommandError

from quizzes import portability


class Command(BaseCommand):
    help = (
        "Import quizzes from JSON files written by export_quizzes. Every file "
        "is checked first; if any has a problem, nothing changes. A quiz with "
        "the same slug is updated in place."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "paths", nargs="+", type=Path, help="Quiz files, or folders of them."
        )
        parser.add_argument(
            "--check",
            action="store_true",
            help="Only check the files; write nothing.",
        )

    def handle(self, *, paths, check, verbosity, **options):
        files = []
        for path in paths:
            found = sorted(path.glob("*.json")) if path.is_dir() else [path]
            for file in found:
                try:
                    files.append((file.name, file.read_text(encoding="utf-8")))
                except (OSError, UnicodeDecodeError) as error:
                    raise CommandError(f"Cannot read {file}: {error}") from None
        if not files:
            raise CommandError("No quiz files found.")
        try:
            if check:
                portability.check([portability.read(*file) for file in files])
                results = None
            else:
                with reversion.create_revision():
                    reversion.set_comment("Imported with manage.py import_quizzes.")
                    results = portability.import_files(files)
        except portability.InvalidQuizFile as error:
            raise CommandError(
                "Nothing was imported:\n" + "\n".join(error.problems)
            ) from None
        if verbosity:
            if results is None:
                self.stdout.write(f"{len(files)} files checked: all can be imported.")
            else:
                created = sum(1 for _quiz, new in results if new)
                self.stdout.write(
                    f"Imported {len(results)} quizzes: {created} new, "
                    f"{len(results) - created} updated."
                )

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from quizzes import portability
from quizzes.models import Quiz


class Command(BaseCommand):
    help = (
        "Write quizzes as JSON files, one per quiz, named after their slugs. "
        "import_quizzes reads them back."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "slugs", nargs="*", help="Quizzes to export (default: every quiz)."
        )
        parser.add_argument(
            "-o",
            "--output",
            type=Path,
            required=True,
            help="Folder to write the files to; made if missing.",
        )

    def handle(self, *, slugs, output, verbosity, **options):
        quizzes = Quiz.objects.order_by("order", "slug")
        if slugs:
            quizzes = list(quizzes.filter(slug__in=slugs))
            missing = sorted(set(slugs) - {quiz.slug for quiz in quizzes})
            if missing:
                raise CommandError(f"No quiz with the slug {', '.join(missing)}.")
        if output.exists() and not output.is_dir():
            raise CommandError(f"{output} is not a folder.")
        output.mkdir(parents=True, exist_ok=True)
        for quiz in quizzes:
            path = output / portability.filename(quiz)
            path.write_text(portability.dumps(quiz), encoding="utf-8")
            if verbosity:
                self.stdout.write(f"Wrote {path}")

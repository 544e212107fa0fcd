import contextlib
from datetime import timedelta
from importlib import import_module

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from quizzes import personal_data


class Command(BaseCommand):
    help = (
        "Delete anonymous learners' progress after DJANGO_ANONYMOUS_PROGRESS_DAYS "
        "without quiz activity, keeping finished quizzes only as anonymous rows, "
        "and delete expired sessions. Safe to run at any time, e.g. daily from cron."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            default=None,
            help="Override the retention period (default: the setting).",
        )

    def handle(self, *args, days=None, **options):
        days = settings.ANONYMOUS_PROGRESS_DAYS if days is None else days
        if days < 1:
            raise CommandError("The retention period must be at least one day.")
        counts = personal_data.erase_inactive(
            before=timezone.now() - timedelta(days=days)
        )
        # Expired sessions hold nothing anyone can use, but Django leaves
        # them in the database until asked (cookie sessions cannot be).
        engine = import_module(settings.SESSION_ENGINE)
        with contextlib.suppress(NotImplementedError):
            engine.SessionStore.clear_expired()
        if options["verbosity"]:
            self.stdout.write(
                f"Anonymous progress older than {days} days: "
                f"{counts['attempts_kept_anonymously']} finished attempts kept "
                f"anonymously, {counts['attempts_deleted']} attempts deleted, "
                f"{counts['readings_deleted']} readings and "
                f"{counts['review_items_deleted']} review items deleted."
            )

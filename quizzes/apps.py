from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QuizzesConfig(AppConfig):
    name = "quizzes"
    verbose_name = _("Quizzes")

    def ready(self):
        from awareness import page_cache

        from .models import Choice, Question, Quiz

        page_cache.watch(Quiz, Question, Choice)

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TracksConfig(AppConfig):
    name = "tracks"
    verbose_name = _("Tracks")

    def ready(self):
        from awareness import page_cache

        from .models import Track, TrackQuiz

        page_cache.watch(Track, TrackQuiz)

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AwarenessConfig(AppConfig):
    name = "awareness"
    verbose_name = _("Awareness content")

    def ready(self):
        # Registers a lookup, and the sign-in throttle's signal receivers.
        from . import lookups, page_cache, throttle  # noqa: F401
        from .models import (
            CaseStudy,
            ChainLink,
            ChainRole,
            Guide,
            KeyFigure,
            PrecautionTip,
            Source,
        )

        page_cache.watch(
            CaseStudy, ChainLink, ChainRole, Guide, KeyFigure, PrecautionTip, Source
        )

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SimulationsConfig(AppConfig):
    name = "simulations"
    verbose_name = _("Simulations")

    def ready(self):
        from awareness import page_cache

        from .models import Choice, Ending, Simulation, Step

        page_cache.watch(Simulation, Step, Ending, Choice)

from modeltranslation.translator import TranslationOptions, register

from .models import Choice, Ending, Simulation, Step


@register(Simulation)
class SimulationTranslationOptions(TranslationOptions):
    fields = ("title", "summary")


@register(Step)
class StepTranslationOptions(TranslationOptions):
    fields = ("narration", "sender", "subject", "sent_at", "details", "body", "prompt")


@register(Ending)
class EndingTranslationOptions(TranslationOptions):
    fields = ("title", "body")


@register(Choice)
class ChoiceTranslationOptions(TranslationOptions):
    fields = ("text", "feedback")

from modeltranslation.translator import TranslationOptions, register

from .models import (
    CaseStudy,
    ChainLink,
    ChainRole,
    Guide,
    KeyFigure,
    PrecautionTip,
    Source,
)


@register(Source)
class SourceTranslationOptions(TranslationOptions):
    fields = ("title", "publisher", "author", "note")


@register(ChainLink)
class ChainLinkTranslationOptions(TranslationOptions):
    fields = ("title", "summary", "body")


@register(PrecautionTip)
class PrecautionTipTranslationOptions(TranslationOptions):
    fields = (
        "title",
        "summary",
        "why_it_matters",
        "what_to_do",
        "editor_note",
        "easy_read",
    )


@register(CaseStudy)
class CaseStudyTranslationOptions(TranslationOptions):
    fields = (
        "title",
        "summary",
        "story",
        "warning_signs",
        "police_action",
        "takeaway",
        "easy_read",
    )


@register(ChainRole)
class ChainRoleTranslationOptions(TranslationOptions):
    fields = ("actor", "action")


@register(KeyFigure)
class KeyFigureTranslationOptions(TranslationOptions):
    fields = ("value", "label")


@register(Guide)
class GuideTranslationOptions(TranslationOptions):
    fields = ("title", "summary", "body")

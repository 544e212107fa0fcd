from modeltranslation.translator import TranslationOptions, register

from .models import Choice, Question, Quiz


@register(Quiz)
class QuizTranslationOptions(TranslationOptions):
    fields = ("title", "summary")


@register(Question)
class QuestionTranslationOptions(TranslationOptions):
    fields = (
        "prompt",
        "sender",
        "subject",
        "sent_at",
        "details",
        "body",
        "explanation",
    )


@register(Choice)
class ChoiceTranslationOptions(TranslationOptions):
    fields = ("text", "explanation")

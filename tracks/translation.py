from modeltranslation.translator import TranslationOptions, register

from .models import Track


@register(Track)
class TrackTranslationOptions(TranslationOptions):
    fields = ("title", "summary")

from functools import cache

import opencc
from django.conf import settings
from django.utils.translation import get_language
from modeltranslation.translator import translator
from modeltranslation.utils import build_localized_fieldname

# Taiwan-standard characters without regional vocabulary: readers in Hong
# Kong, Macau and Taiwan all read them, and mainland terms such as 公安 stay
# the proper names they are.
OPENCC_CONFIG = "s2tw"


@cache
def _converter():
    return opencc.OpenCC(OPENCC_CONFIG)


def to_traditional(text):
    """Return Simplified Chinese text converted to Traditional characters."""
    return _converter().convert(text) if text else ""


def translated_fields(model):
    """Return the names of the model's fields that have a column per language."""
    return sorted(translator.get_options_for_model(model).all_fields)


@cache
def localized_columns(model):
    """Return every per-language column of the model's translated fields."""
    return frozenset(
        localized(field, language)
        for field in translated_fields(model)
        for language in language_codes()
    )


def localized(field, language=None):
    """Return the column holding a field in a language (default: the active one)."""
    return build_localized_fieldname(field, language or get_language() or "en")


def language_codes():
    return [code for code, _name in settings.LANGUAGES]


def bcp47(code):
    """Return a Django language code as HTML's lang attribute spells it."""
    language, _sep, script = code.partition("-")
    return f"{language}-{script.title()}" if len(script) == 4 else code

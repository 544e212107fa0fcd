import re
import tomllib
from functools import cache
from pathlib import Path

import opencc
from django.conf import settings
from django.utils.translation import get_language
from modeltranslation.translator import translator
from modeltranslation.utils import build_localized_fieldname

# Taiwan-standard characters; the words are Taiwan's where the phrase
# dictionary says so. OpenCC's own vocabulary (s2twp) is not used: it
# mis-converts whole phrases (收集成批 → 收整合批, 挂断 → 結束通話), and
# mainland terms such as 公安 stay the proper names they are.
OPENCC_CONFIG = "s2tw"
PHRASES_FILE = Path(__file__).with_name("zh_tw_phrases.toml")
# Hong Kong: OpenCC's Hong Kong characters (s2hk) and Hong Kong's words.
HONG_KONG_CONFIG = "s2hk"
HONG_KONG_PHRASES_FILE = Path(__file__).with_name("zh_hk_phrases.toml")
# A regional variant has no content or catalogue of its own: its pages are
# the pages of the language it is converted from (see awareness.middleware).
HONG_KONG = "zh-hk"
VARIANTS = {HONG_KONG: "zh-hans"}
# Traditional Chinese quotes: 「」 outside, 『』 inside.
QUOTES = str.maketrans({"“": "「", "”": "」", "‘": "『", "’": "』"})


@cache
def _converter():
    return opencc.OpenCC(OPENCC_CONFIG)


@cache
def _to_simplified_converter():
    return opencc.OpenCC("t2s")


@cache
def taiwan_dictionary():
    """Return the phrase dictionary: its `phrase` and `keep` entries."""
    with open(PHRASES_FILE, "rb") as file:
        data = tomllib.load(file)
    return {"phrase": data.get("phrase", []), "keep": data.get("keep", [])}


@cache
def hongkong_dictionary():
    """Return the Hong Kong dictionary; Taiwan's proper names are kept too."""
    with open(HONG_KONG_PHRASES_FILE, "rb") as file:
        data = tomllib.load(file)
    return {
        "phrase": data.get("phrase", []),
        "keep": taiwan_dictionary()["keep"] + data.get("keep", []),
    }


@cache
def _hongkong_converter():
    return opencc.OpenCC(HONG_KONG_CONFIG)


def _pattern(rules):
    # The longest alternative first, so that the longest phrase wins.
    return re.compile(
        "|".join(re.escape(phrase) for phrase in sorted(rules, key=len, reverse=True))
    )


@cache
def _phrase_rules():
    rules = {
        entry["mainland"]: _converter().convert(entry["mainland"])
        for entry in taiwan_dictionary()["keep"]
    }
    rules.update(
        (entry["mainland"], entry["taiwan"]) for entry in taiwan_dictionary()["phrase"]
    )
    return rules, _pattern(rules)


@cache
def _hongkong_rules():
    dictionary = hongkong_dictionary()
    rules = {
        entry["mainland"]: _hongkong_converter().convert(entry["mainland"])
        for entry in dictionary["keep"]
    }
    rules.update(
        (entry["mainland"], entry["hongkong"]) for entry in dictionary["phrase"]
    )
    return rules, _pattern(rules)


def to_hongkong(text):
    """Return Simplified Chinese text in Traditional Chinese as Hong Kong writes it."""
    if not text:
        return ""
    return _convert(text, *_hongkong_rules(), _hongkong_converter()).translate(QUOTES)


def to_traditional(text):
    """Return Simplified Chinese text in Traditional Chinese as Taiwan writes it.

    Phrases in the dictionary are replaced whole; OpenCC converts the
    characters of the text between them.
    """
    if not text:
        return ""
    return _convert(text, *_phrase_rules(), _converter()).translate(QUOTES)


def _convert(text, rules, pattern, converter):
    """Replace the phrases of `rules` whole, converting the text between."""
    parts = []
    end = 0
    for match in pattern.finditer(text):
        parts += [converter.convert(text[end : match.start()]), rules[match.group()]]
        end = match.end()
    parts.append(converter.convert(text[end:]))
    return "".join(parts)


@cache
def _reverse_rules():
    """Return Taiwan phrases mapped back to the mainland's, and their pattern."""
    rules = {}
    for entry in taiwan_dictionary()["phrase"]:
        # The first, most general entry for a Taiwan word is its meaning.
        rules.setdefault(entry["taiwan"], entry["mainland"])
    for entry in hongkong_dictionary()["phrase"]:
        # Single characters (户 → 戶) are character forms OpenCC reverses.
        if len(entry["hongkong"]) > 1:
            rules.setdefault(entry["hongkong"], entry["mainland"])
    return rules, _pattern(rules)


def to_simplified(text):
    """Return Traditional Chinese text (Taiwan's or Hong Kong's) in Simplified."""
    return _convert(text, *_reverse_rules(), _to_simplified_converter())


def search_forms(term, language=None):
    """Return the ways a search term is written in a language's script.

    A reader may type either script on either Chinese site; the stored
    Traditional Chinese was converted from the Simplified with
    to_traditional(), so converting the query the same way finds it.
    """
    language = language or get_language() or "en"
    forms = [term]
    if language == "zh-hant":
        forms.append(to_traditional(term))
    elif language == "zh-hans":
        forms.append(to_simplified(term))
    return list(dict.fromkeys(forms))


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
    """Return the languages that have content and a catalogue of their own.

    Regional variants (VARIANTS) are left out: they have no columns.
    """
    return [code for code, _name in settings.LANGUAGES if code not in VARIANTS]


def site_languages():
    """Return every language a reader can choose, regional variants too."""
    return [code for code, _name in settings.LANGUAGES]


def bcp47(code):
    """Return a Django language code as HTML's lang attribute spells it."""
    language, _sep, subtag = code.partition("-")
    if len(subtag) == 4:
        return f"{language}-{subtag.title()}"
    if len(subtag) == 2:
        return f"{language}-{subtag.upper()}"
    return code

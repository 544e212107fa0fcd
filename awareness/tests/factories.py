import datetime
import itertools

from django.utils import timezone

from awareness.languages import translated_fields
from awareness.models import (
    CaseStudy,
    ChainLink,
    ChainRole,
    Guide,
    KeyFigure,
    PrecautionTip,
    Source,
)

_numbers = itertools.count(1)


def _content_defaults(kwargs):
    n = next(_numbers)
    kwargs.setdefault("title", f"Item {n}")
    kwargs.setdefault("slug", f"item-{n}")
    kwargs.setdefault("summary", f"Summary of item {n}.")
    kwargs.setdefault("last_verified", datetime.date(2026, 11, 25))
    kwargs.setdefault("is_published", True)
    kwargs.setdefault("published_at", timezone.now() - datetime.timedelta(days=1))
    return kwargs


def make_source(**kwargs):
    n = next(_numbers)
    kwargs.setdefault("slug", f"source-{n}")
    kwargs.setdefault("title", f"Source {n}")
    kwargs.setdefault("publisher", "People's Daily")
    kwargs.setdefault("url", "https://legal.gmw.cn/2025-04/21/content_37977933.htm")
    return Source.objects.create(**kwargs)


def make_tip(**kwargs):
    _content_defaults(kwargs)
    kwargs.setdefault("why_it_matters", "Why it matters.")
    kwargs.setdefault("what_to_do", "- Do this.")
    return PrecautionTip.objects.create(**kwargs)


def make_link(**kwargs):
    _content_defaults(kwargs)
    kwargs.setdefault("body", "How this link works.")
    return ChainLink.objects.create(**kwargs)


def make_case_study(*, tips=(), sources=(), **kwargs):
    _content_defaults(kwargs)
    kwargs.setdefault("story", "The story.")
    kwargs.setdefault("warning_signs", "The signs.")
    kwargs.setdefault("police_action", "What the police did.")
    kwargs.setdefault("takeaway", "What to take away.")
    case_study = CaseStudy.objects.create(**kwargs)
    case_study.tips.set(tips)
    case_study.sources.set(sources)
    return case_study


def make_role(*, case_study, link, **kwargs):
    kwargs.setdefault("actor", "A runner")
    kwargs.setdefault("action", "Planted Trojans.")
    return ChainRole.objects.create(case_study=case_study, link=link, **kwargs)


def make_figure(*, case_study, source, **kwargs):
    kwargs.setdefault("value", "50+")
    kwargs.setdefault("label", "companies hit")
    return KeyFigure.objects.create(case_study=case_study, source=source, **kwargs)


def make_guide(**kwargs):
    _content_defaults(kwargs)
    kwargs.setdefault("body", "### Steps\n\n1. Call 110.")
    return Guide.objects.create(**kwargs)


def in_english(data, *models):
    """Return admin form data with each translated field in its English column.

    A browser posts `title_en`, not `title`; tests write the plain name.
    Inline fields keep their prefix (`choices-0-text` → `choices-0-text_en`).
    """
    from quizzes.models import Choice, Question, Quiz

    models = models or (
        CaseStudy,
        PrecautionTip,
        ChainLink,
        ChainRole,
        KeyFigure,
        Guide,
        Source,
        Quiz,
        Question,
        Choice,
    )
    names = {name for model in models for name in translated_fields(model)}
    english = {}
    for key, value in data.items():
        prefix, dash, name = key.rpartition("-")
        if name in names:
            key = f"{prefix}{dash}{name}_en"
        english[key] = value
    return english

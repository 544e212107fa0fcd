"""Quizzes as JSON files, one per quiz, and the one importer of quiz files.

A file holds the quiz, its questions and their options, and names the pages
and sources they refer to by slug. Importing reads every file and checks all
of it before writing anything; the writes then happen in one transaction, so
a bad file changes nothing. Importing updates a quiz with the same slug in
place, matching questions by key and options by position, so that learners'
answers stay attached.

load_content puts the article's TOML quiz files into the same shape and
imports them with plan_quiz(), check() and apply() too.
"""

import datetime
import json

import reversion
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from awareness.models import Source

from .models import Choice, Question, Quiz

FORMAT = "guard-your-info/quiz"
VERSION = 3
# Files of versions 1 and 2 predate certainty-based marking: they import
# with it off.
ADDED_IN_VERSION_3 = {"certainty_based_marking": False}
# Version 1 files predate item families and the mock-up's extra fields;
# they import with these values.
ADDED_IN_VERSION_2 = {
    "family": "",
    "skill": "",
    "subject": "",
    "sent_at": "",
    "details": "",
}

QUIZ_FIELDS = {
    "slug": str,
    "title": str,
    "summary": str,
    "order": int,
    "feedback": str,
    "pass_mark": int,
    "shuffle_questions": bool,
    "shuffle_choices": bool,
    "draw": int,
    "certainty_based_marking": bool,
    "last_verified": datetime.date,
    "is_published": bool,
    "published_at": datetime.datetime,
    "sources": list,
    "questions": list,
}
QUESTION_FIELDS = {
    "key": str,
    "order": int,
    "kind": str,
    "topic": str,
    "family": str,
    "skill": str,
    "prompt": str,
    "channel": str,
    "sender": str,
    "subject": str,
    "sent_at": str,
    "details": str,
    "body": str,
    "is_scam": (bool, type(None)),
    "explanation": str,
    "case_study": (str, type(None)),
    "tip": (str, type(None)),
    "guide": (str, type(None)),
    "chain_link": (str, type(None)),
    "source": str,
    "last_verified": datetime.date,
    "is_published": bool,
    "choices": list,
}
CHOICE_FIELDS = {
    "order": int,
    "text": str,
    "is_correct": bool,
    "explanation": str,
    "misconception": str,
}
# The pages a question may teach, by the field that points to them.
PAGES = {
    name: Question._meta.get_field(name).related_model
    for name in Question.TEACHING_PAGES
}


class InvalidQuizFile(Exception):
    """One or more files cannot be imported; ``problems`` says why."""

    def __init__(self, problems):
        super().__init__("\n".join(problems))
        self.problems = problems


# Export


def export_quiz(quiz):
    """Return the quiz as a dict that json.dumps writes the same every time."""
    questions = quiz.questions.select_related(
        "case_study", "tip", "guide", "chain_link", "source"
    ).prefetch_related("choices")
    return {
        "format": FORMAT,
        "version": VERSION,
        "quiz": {
            "slug": quiz.slug,
            "title": quiz.title,
            "summary": quiz.summary,
            "order": quiz.order,
            "feedback": quiz.feedback,
            "pass_mark": quiz.pass_mark,
            "shuffle_questions": quiz.shuffle_questions,
            "shuffle_choices": quiz.shuffle_choices,
            "draw": quiz.draw,
            "certainty_based_marking": quiz.certainty_based_marking,
            "last_verified": quiz.last_verified.isoformat(),
            "is_published": quiz.is_published,
            "published_at": quiz.published_at.astimezone(datetime.UTC).isoformat(),
            "sources": sorted(source.slug for source in quiz.sources.all()),
            "questions": [_export_question(question) for question in questions],
        },
    }


def _export_question(question):
    return {
        "key": question.key,
        "order": question.order,
        "kind": question.kind,
        "topic": question.topic,
        "family": question.family,
        "skill": question.skill,
        "prompt": question.prompt,
        "channel": question.channel,
        "sender": question.sender,
        "subject": question.subject,
        "sent_at": question.sent_at,
        "details": question.details,
        "body": question.body,
        "is_scam": question.is_scam,
        "explanation": question.explanation,
        **{
            name: page.slug if (page := getattr(question, name)) else None
            for name in PAGES
        },
        "source": question.source.slug,
        "last_verified": question.last_verified.isoformat(),
        "is_published": question.is_published,
        "choices": [
            {
                "order": choice.order,
                "text": choice.text,
                "is_correct": choice.is_correct,
                "explanation": choice.explanation,
                "misconception": choice.misconception,
            }
            for choice in question.choices.all()
        ],
    }


def dumps(quiz):
    """Return the quiz's file, as text."""
    return json.dumps(export_quiz(quiz), ensure_ascii=False, indent=2) + "\n"


def filename(quiz):
    return f"{quiz.slug}.json"


# Import


class Plan:
    """One file, read and checked: what importing it will write."""

    def __init__(self, name):
        self.name = name
        self.problems = []
        self.quiz = None
        self.sources = []
        self.questions = []  # (question, [choices])
        self.stale_questions = []
        self.stale_choices = []
        self.found = {}  # {model: {slug: item or None}}
        # Rows already as the file has them, which need no write.
        self.unchanged = set()

    def problem(self, where, message):
        self.problems.append(
            f"{self.name}: {where}: {message}" if where else f"{self.name}: {message}"
        )


def read(name, text):
    """Parse and check one JSON file; return its Plan, whose problems may be empty."""
    plan = Plan(name)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        plan.problem("", _("not valid JSON (%(error)s).") % {"error": error})
        return plan
    except RecursionError:
        plan.problem("", _("not a quiz file: its JSON is nested too deeply."))
        return plan
    if (
        not isinstance(data, dict)
        or data.get("format") != FORMAT
        or data.get("version") not in (1, 2, VERSION)
        or not isinstance(data.get("quiz"), dict)
    ):
        plan.problem(
            "",
            _(
                "not a quiz file: it needs “format”: “%(format)s”, “version”: %(version)d and a “quiz”."
            )
            % {"format": FORMAT, "version": VERSION},
        )
        return plan
    if data["version"] < 3:
        data["quiz"] = {**ADDED_IN_VERSION_3, **data["quiz"]}
    quiz = _checked(plan, "quiz", data["quiz"], QUIZ_FIELDS)
    if quiz is None:
        return plan
    if data["version"] == 1:
        quiz["questions"] = [
            {**ADDED_IN_VERSION_2, **entry} if isinstance(entry, dict) else entry
            for entry in quiz["questions"]
        ]
    quiz["questions"] = [
        _checked(plan, _("question %(n)d") % {"n": n}, entry, QUESTION_FIELDS)
        for n, entry in enumerate(quiz["questions"], start=1)
    ]
    for question in filter(None, quiz["questions"]):
        where = _("question “%(key)s”") % {"key": question["key"]}
        question["choices"] = [
            _checked(
                plan,
                _("%(question)s, option %(n)d") % {"question": where, "n": n},
                choice,
                CHOICE_FIELDS,
            )
            for n, choice in enumerate(question["choices"], start=1)
        ]
    # plan_quiz() trusts that every field is there with its type.
    return plan if plan.problems else plan_quiz(name, quiz)


def _checked(plan, where, data, fields):
    """Return the entry with dates parsed, or None after noting what is wrong."""
    if not isinstance(data, dict):
        plan.problem(where, _("expected an object."))
        return None
    missing = sorted(set(fields) - set(data))
    unknown = sorted(set(data) - set(fields))
    if missing:
        plan.problem(where, _("missing %(fields)s.") % {"fields": ", ".join(missing)})
    if unknown:
        plan.problem(where, _("unknown %(fields)s.") % {"fields": ", ".join(unknown)})
    if missing or unknown:
        return None
    clean = {}
    ok = True
    for name, kind in fields.items():
        value = data[name]
        if kind is datetime.date or kind is datetime.datetime:
            try:
                value = kind.fromisoformat(value) if isinstance(value, str) else None
            except ValueError:
                value = None
            if value is None or (
                kind is datetime.datetime and timezone.is_naive(value)
            ):
                plan.problem(
                    where, _("%(field)s is not a valid date.") % {"field": name}
                )
                ok = False
                continue
            if kind is datetime.date and isinstance(value, datetime.datetime):
                value = value.date()
        # PostgreSQL refuses NUL in text; refused here, it is a problem to
        # report rather than a failed write.
        elif isinstance(value, str) and "\x00" in value:
            plan.problem(
                where, _("%(field)s contains a NUL character.") % {"field": name}
            )
            ok = False
            continue
        # bool is an int to Python; a count written as true is still wrong.
        elif (isinstance(value, bool) and kind is int) or not isinstance(value, kind):
            plan.problem(where, _("%(field)s has the wrong type.") % {"field": name})
            ok = False
            continue
        clean[name] = value
    return clean if ok else None


def _lookup(plan, where, model, slug):
    if slug is None:
        return None
    # A large quiz names the same few pages and sources over and over.
    known = plan.found.setdefault(model, {})
    if slug not in known:
        known[slug] = model.objects.filter(slug=slug).first()
    item = known[slug]
    if item is None:
        plan.problem(
            where,
            _("refers to an unknown %(kind)s “%(slug)s”.")
            % {"kind": model._meta.verbose_name, "slug": slug},
        )
    return item


def _assign(obj, field, value):
    """Set a field, a foreign key by its id; return whether it changed."""
    if isinstance(value, models.Model) or (
        value is None and obj._meta.get_field(field).is_relation
    ):
        before = getattr(obj, f"{field}_id")
        setattr(obj, field, value)
        return before != getattr(obj, f"{field}_id")
    before = getattr(obj, field)
    setattr(obj, field, value)
    return before != value


def _validate(plan, where, obj, exclude):
    try:
        obj.full_clean(exclude=exclude, validate_unique=False)
    except ValidationError as error:
        for field, messages in error.message_dict.items():
            label = "" if field == "__all__" else f"{field}: "
            for message in messages:
                plan.problem(where, f"{label}{message}")
        return False
    return True


def plan_quiz(name, data, *, keep_answered=False):
    """Check one quiz and return its Plan, whose problems may be empty.

    ``data`` is shaped like a JSON file's "quiz", keys, slugs and lists
    included; its other fields may be any model fields (``title_zh_hans``
    too), and one left out keeps its value. Answered questions and options
    it leaves out make it wrong, unless ``keep_answered`` keeps them.
    """
    plan = Plan(name)
    quiz = Quiz.objects.filter(slug=data["slug"]).first() or Quiz(slug=data["slug"])
    plan.quiz = quiz
    for field, value in data.items():
        if field not in ("sources", "questions", "slug"):
            setattr(quiz, field, value)
    _validate(plan, "quiz", quiz, exclude=["sources"])
    for slug in data["sources"]:
        if not isinstance(slug, str) or "\x00" in slug:
            plan.problem("quiz", _("sources must be slugs."))
            continue
        source = _lookup(plan, "quiz", Source, slug)
        if source:
            plan.sources.append(source)

    existing = (
        {q.key: q for q in quiz.questions.prefetch_related("choices")}
        if quiz.pk
        else {}
    )
    # One query for all of them, not one per new question.
    elsewhere_by_key = {
        question.key: question
        for question in Question.objects.filter(
            key__in=[
                entry["key"]
                for entry in data["questions"]
                if entry["key"] not in existing
            ]
        ).select_related("quiz")
    }
    keys = set()
    for n, entry in enumerate(data["questions"], start=1):
        key = entry["key"]
        where = _("question %(n)d") % {"n": n}
        if key in keys:
            plan.problem(where, _("key “%(key)s” appears twice.") % {"key": key})
            continue
        keys.add(key)
        question = existing.get(key)
        if question is None:
            question = Question(key=key)
            elsewhere = elsewhere_by_key.get(key)
            if elsewhere is not None:
                plan.problem(
                    where,
                    _("key “%(key)s” belongs to a question of “%(quiz)s”.")
                    % {"key": key, "quiz": elsewhere.quiz.slug},
                )
        if key:
            where = _("question “%(key)s”") % {"key": key}
        changed = question.pk is None
        for field, value in entry.items():
            if field not in ("key", "choices", "source", *PAGES):
                changed |= _assign(question, field, value)
        for field, model in (*PAGES.items(), ("source", Source)):
            changed |= _assign(
                question, field, _lookup(plan, where, model, entry[field])
            )
        if not changed:
            plan.unchanged.add(question)
        _validate(plan, where, question, exclude=["quiz", "source"])
        choices = _plan_choices(plan, where, question, entry["choices"], keep_answered)
        plan.questions.append((question, choices))

    if quiz.is_published and not any(q.is_published for q, _c in plan.questions):
        plan.problem(
            "quiz", _("A published quiz needs at least one published question.")
        )
    for key, question in existing.items():
        if key not in keys:
            if question.answers.exists():
                if keep_answered:
                    continue
                plan.problem(
                    "quiz",
                    _(
                        "question “%(key)s” has learners' answers and is missing from the file; keep it there, unpublished, instead."
                    )
                    % {"key": key},
                )
            plan.stale_questions.append(question)
    return plan


def _plan_choices(plan, where, question, entries, keep_answered):
    existing = list(question.choices.all()) if question.pk else []
    choices = []
    for n, entry in enumerate(entries, start=1):
        place = _("%(question)s, option %(n)d") % {"question": where, "n": n}
        choice = existing[n - 1] if n <= len(existing) else Choice()
        changed = choice.pk is None
        for field, value in entry.items():
            changed |= _assign(choice, field, value)
        if not changed:
            plan.unchanged.add(choice)
        _validate(plan, place, choice, exclude=["question"])
        choices.append(choice)
    kept = []
    for choice in existing[len(entries) :]:
        if choice.answers.exists():
            if keep_answered:
                kept.append(choice)
                continue
            plan.problem(
                where,
                _(
                    "option “%(text)s” has learners' answers and is missing from the file."
                )
                % {"text": choice.text[:60]},
            )
        plan.stale_choices.append(choice)
    # Kept options are still shown to learners, so they count too.
    for problem in question.choice_problems([*choices, *kept]):
        plan.problem(where, str(problem))
    return choices


def check(plans):
    """Raise InvalidQuizFile if any plan is bad or two clash; else return them."""
    problems = [problem for plan in plans for problem in plan.problems]
    slugs, keys = {}, {}
    for plan in plans:
        if plan.quiz is None:
            continue
        if plan.quiz.slug in slugs:
            problems.append(
                _("%(a)s and %(b)s both hold the quiz “%(slug)s”.")
                % {"a": slugs[plan.quiz.slug], "b": plan.name, "slug": plan.quiz.slug}
            )
        slugs[plan.quiz.slug] = plan.name
        for question, _choices in plan.questions:
            if question.key in keys and keys[question.key] != plan.name:
                problems.append(
                    _("%(a)s and %(b)s both hold the question “%(key)s”.")
                    % {"a": keys[question.key], "b": plan.name, "key": question.key}
                )
            keys[question.key] = plan.name
    if problems:
        raise InvalidQuizFile(problems)
    return plans


def apply(plans):
    """Write checked plans in one transaction; return [(quiz, created)]."""
    results = []
    with transaction.atomic():
        for plan in plans:
            quiz = plan.quiz
            created = quiz.pk is None
            for question in plan.stale_questions:
                question.delete()
            quiz.save()
            quiz.sources.set(plan.sources)
            new = []
            for question, _choices in plan.questions:
                question.quiz = quiz
                if question.pk is None:
                    new.append(question)
                elif question not in plan.unchanged:
                    question.save()
            _create(Question, new)
            new = []
            for question, choices in plan.questions:
                for choice in choices:
                    choice.question = question
                    if choice.pk is None:
                        new.append(choice)
                    elif choice not in plan.unchanged:
                        choice.save()
            _create(Choice, new)
            for choice in plan.stale_choices:
                choice.delete()
            results.append((quiz, created))
    return results


def _create(model, objects):
    """Insert new rows at once: a quiz of 1,300 questions, one by one, took
    longer than a request may."""
    for obj in objects:
        # What save() would have done, and the history the admin keeps.
        obj.update_translations()
    model.objects.bulk_create(objects)
    if reversion.is_active():
        for obj in objects:
            reversion.add_to_revision(obj)


def import_files(files):
    """Check every (name, text) JSON file, then write them all."""
    return apply(check([read(name, text) for name, text in files]))

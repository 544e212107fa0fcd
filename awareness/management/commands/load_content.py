import hashlib
import json
import tomllib
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import F

from awareness import page_cache
from awareness.languages import localized, translated_fields
from awareness.models import (
    CaseStudy,
    ChainLink,
    ChainRole,
    Guide,
    KeyFigure,
    PrecautionTip,
    Source,
    Translatable,
)
from quizzes import portability
from quizzes.models import Choice, Question, Quiz
from simulations import graph
from simulations.models import (
    Choice as SimulationChoice,
    Ending,
    Simulation,
    Step,
)
from tracks.models import Track, TrackQuiz

DEFAULT_PATH = Path(settings.BASE_DIR) / "awareness" / "content"

# The fields each kind reads from its file; relations are handled apart.
FIELDS = {
    Source: ("title", "publisher", "author", "url", "published_on", "note", "order"),
    ChainLink: ("title", "summary", "body", "order", "last_verified"),
    PrecautionTip: (
        "number",
        "title",
        "summary",
        "why_it_matters",
        "what_to_do",
        "editor_note",
        "easy_read",
        "last_verified",
    ),
    CaseStudy: (
        "number",
        "title",
        "summary",
        "story",
        "warning_signs",
        "police_action",
        "takeaway",
        "easy_read",
        "last_verified",
    ),
    Guide: ("title", "summary", "body", "order", "last_verified"),
    Quiz: (
        "title",
        "summary",
        "order",
        "feedback",
        "pass_mark",
        "shuffle_questions",
        "shuffle_choices",
        "draw",
        "certainty_based_marking",
        "last_verified",
    ),
    Simulation: ("title", "summary", "order", "last_verified"),
    Track: ("title", "summary", "position"),
}
STEP_FIELDS = (
    "narration",
    "channel",
    "sender",
    "subject",
    "sent_at",
    "details",
    "body",
    "prompt",
)
ENDING_FIELDS = ("outcome", "score", "title", "body")
SIMULATION_CHOICE_FIELDS = ("text", "feedback", "safety", "misconception")
QUESTION_FIELDS = (
    "kind",
    "topic",
    "family",
    "skill",
    "prompt",
    "channel",
    "sender",
    "subject",
    "sent_at",
    "details",
    "body",
    "is_scam",
)


# A caller's number, a time or an amount reads the same in every language,
# so a file need not repeat it; one with words in it gives its own
# `…_zh_hans` (the content tests check that none is left in English).
SAME_IN_EVERY_LANGUAGE = {"sender", "subject", "sent_at"}


def localized_values(model, entry, names):
    """Return the values of the named fields, one column per language.

    A translated field `f` reads its English from `f` and its Simplified
    Chinese from `f_zh_hans`; `f_zh_hant` is optional, since Traditional
    Chinese is converted from the Simplified unless a file gives its own.
    """
    translated = set(translated_fields(model))
    values = {}
    for name in names:
        default = model._meta.get_field(name).get_default()
        if name not in translated:
            values[name] = entry.get(name, default)
            continue
        values[localized(name, "en")] = entry.get(name, default)
        values[localized(name, "zh-hans")] = entry.get(
            f"{name}_zh_hans",
            values[localized(name, "en")] if name in SAME_IN_EVERY_LANGUAGE else "",
        )
        if f"{name}_zh_hant" in entry:
            values[localized(name, "zh-hant")] = entry[f"{name}_zh_hant"]
    if translated & set(names):
        values["zh_hant_is_converted"] = not any(
            f"{name}_zh_hant" in entry for name in translated
        )
    return values


def quiz_data(entry):
    """Return a quiz file's entry in the shape portability.plan_quiz() reads."""
    data = {
        "slug": entry["slug"],
        **localized_values(Quiz, entry, FIELDS[Quiz]),
        "sources": entry.get("sources", []),
        "questions": [],
    }
    for order, question in enumerate(entry.get("questions", []), start=1):
        choices = question.get("choices", [])
        if question.get("kind") == Question.Kind.RED_FLAGS:
            # The message is its segments, read in order.
            question = {
                **question,
                "body": "".join(c.get("text", "") for c in choices),
                "body_zh_hans": "".join(c.get("text_zh_hans", "") for c in choices),
            }
        data["questions"].append(
            {
                "key": question.get("key", ""),
                **localized_values(
                    Question, question, (*QUESTION_FIELDS, "explanation")
                ),
                "order": order,
                # Files are reviewed in git: what they hold is meant to be live.
                "is_published": True,
                "last_verified": question.get("last_verified", data["last_verified"]),
                **{page: question.get(page) for page in portability.PAGES},
                "source": question.get("source", ""),
                "choices": [
                    {
                        **localized_values(Choice, choice, ("text", "explanation")),
                        "order": n,
                        "is_correct": bool(choice.get("correct", False)),
                        "misconception": choice.get("misconception", ""),
                    }
                    for n, choice in enumerate(choices, start=1)
                ],
            }
        )
    return data


# Bump when the loader maps files to the database differently, so that the
# next load rewrites every item instead of calling it unchanged.
LOADER_VERSION = 3


def digest(entry):
    """Return a fingerprint of one item as the file describes it."""
    text = json.dumps(
        [LOADER_VERSION, entry], sort_keys=True, default=str, ensure_ascii=False
    )
    return hashlib.sha256(text.encode()).hexdigest()


class Command(BaseCommand):
    help = (
        "Load the article's content from awareness/content/ into the database. "
        "Safe to run again: unchanged items are left alone, and items staff "
        "edited in the admin are kept unless --overwrite is given."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--path",
            type=Path,
            default=DEFAULT_PATH,
            help="Folder holding the content files (default: %(default)s).",
        )
        parser.add_argument(
            "--overwrite",
            action="store_true",
            help="Replace items even where staff edited them in the admin.",
        )

    def handle(self, *, path, overwrite, verbosity, **options):
        self.overwrite = overwrite
        self.tally = {"created": 0, "updated": 0, "unchanged": 0, "kept": 0}
        if not path.is_dir():
            raise CommandError(f"No content folder at {path}.")
        with transaction.atomic():
            self.load_all(path)
            # Items the load left alone still follow a new converter.
            for model in apps.get_models():
                if issubclass(model, Translatable):
                    model.refresh_conversions()
            # Figures and chain roles are written in bulk, which sends no
            # signal for the page cache to hear.
            page_cache.clear()
        if verbosity:
            self.stdout.write(
                "Content: {created} created, {updated} updated, "
                "{unchanged} unchanged, {kept} kept as edited by staff.".format(
                    **self.tally
                )
            )

    def load_all(self, path):
        self.sources = {}
        for entry in self.read(path / "sources.toml").get("source", []):
            self.sources[entry["slug"]] = self.load(Source, entry)
        self.links = {}
        for entry in self.read(path / "chain.toml").get("link", []):
            self.links[entry["slug"]] = self.load(ChainLink, entry)
        self.tips = {}
        for file in sorted((path / "tips").glob("*.toml")):
            entry = self.read(file)
            self.tips[entry["slug"]] = self.load(PrecautionTip, entry)
        for file in sorted((path / "cases").glob("*.toml")):
            self.load(CaseStudy, self.read(file))
        for file in sorted((path / "guides").glob("*.toml")):
            self.load(Guide, self.read(file))
        for file in sorted((path / "quizzes").glob("*.toml")):
            self.load(Quiz, self.read(file))
        self.cases = {case.slug: case for case in CaseStudy.objects.all()}
        for file in sorted((path / "simulations").glob("*.toml")):
            entry = self.read(file)
            self.check_simulation(file, entry)
            self.load(Simulation, entry)
        # Optional, like the simulations: a folder without tracks loads.
        if (path / "tracks.toml").exists():
            for entry in self.read(path / "tracks.toml").get("track", []):
                self.load(Track, entry)

    def read(self, file):
        try:
            return tomllib.loads(file.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise CommandError(f"Missing content file {file}.") from None
        except tomllib.TOMLDecodeError as error:
            raise CommandError(f"{file} is not valid TOML: {error}") from None

    def load(self, model, entry):
        """Create or update one item, unless staff edited it since the last load."""
        fingerprint = digest(entry)
        if "slug" not in entry:
            raise CommandError(f"A {model._meta.verbose_name} entry lacks a slug.")
        slug = entry["slug"]
        # A field the file leaves out takes the model's default, so that
        # removing a line from a file clears it in the database too.
        fields = localized_values(model, entry, FIELDS[model])
        item = model.objects.filter(slug=slug).first()
        if item is None:
            item = model(slug=slug, **fields)
            if model is not Source:
                item.is_published = True
            action = "created"
        elif item.loaded_digest == fingerprint:
            self.tally["unchanged"] += 1
            return item
        elif item.is_edited_since_load() and not self.overwrite:
            self.stderr.write(
                f"Kept {model._meta.verbose_name} “{slug}” as staff edited it; "
                "run with --overwrite to replace it with the file's version."
            )
            self.tally["kept"] += 1
            return item
        else:
            for name, value in fields.items():
                setattr(item, name, value)
            action = "updated"
        if model is Quiz:
            item = self.load_quiz(entry, is_published=item.is_published)
        elif model is Simulation:
            item = self.load_simulation(item, entry)
        else:
            item.full_clean(exclude=["sources", "tips"], validate_unique=False)
            item.save()
            self.load_relations(item, entry)
        model.objects.filter(pk=item.pk).update(
            loaded_digest=fingerprint, loaded_at=F("updated_at")
        )
        self.tally[action] += 1
        return item

    def load_quiz(self, entry, *, is_published):
        """Check and write a quiz with the quiz importer; return it."""
        data = {**quiz_data(entry), "is_published": is_published}
        # The files cannot hold an unpublished question, so one that learners
        # answered stays when it leaves its file.
        plan = portability.plan_quiz(f"“{entry['slug']}”", data, keep_answered=True)
        try:
            [(quiz, _created)] = portability.apply(portability.check([plan]))
        except portability.InvalidQuizFile as error:
            raise CommandError("\n".join(error.problems)) from None
        return quiz

    def check_simulation(self, file, entry):
        """Refuse a simulation file that cannot be played, before writing it."""
        steps = {
            step.get("key", ""): [
                graph.Edge(
                    choice=choice.get("key", ""),
                    step=choice.get("next", ""),
                    ending=choice.get("ending", ""),
                )
                for choice in step.get("choices", [])
            ]
            for step in entry.get("steps", [])
        }
        ending_keys = [ending.get("key", "") for ending in entry.get("endings", [])]
        endings = {
            ending.get("key", ""): ending.get("outcome", "")
            for ending in entry.get("endings", [])
        }
        found = graph.problems(entry.get("start", ""), steps, endings)
        if len(steps) != len(entry.get("steps", [])):
            found.append("Two steps share a key.")
        if len(set(ending_keys)) != len(ending_keys):
            found.append("Two endings share a key.")
        for step in entry.get("steps", []):
            keys = [choice.get("key", "") for choice in step.get("choices", [])]
            if len(set(keys)) != len(keys):
                found.append(f"Two choices of step “{step.get('key')}” share a key.")
        if found:
            raise CommandError(
                f"{file.name} cannot be played:\n" + "\n".join(f"- {p}" for p in found)
            )

    def load_simulation(self, item, entry):
        """Write a simulation with its endings, steps and choices; return it.

        Rows are matched by key, so that learners' runs keep pointing at
        them; a row that left the file goes, unless a learner's run passed
        through it (it then stays, for their debrief).
        """
        slug = entry["slug"]
        case = entry.get("case")
        if case and case not in self.cases:
            raise CommandError(f"“{slug}” refers to unknown case {case}.")
        item.case_study = self.cases.get(case) if case else None
        self.save_valid(item, slug, exclude=["sources", "start", "case_study"])
        item.sources.set(self.lookup(self.sources, entry.get("sources", []), item))

        endings = {}
        for ending in entry.get("endings", []):
            endings[ending["key"]] = self.upsert(
                Ending,
                slug,
                {"simulation": item, "key": ending["key"]},
                localized_values(Ending, ending, ENDING_FIELDS),
            )
        steps = {}
        for order, step in enumerate(entry.get("steps", []), start=1):
            steps[step["key"]] = self.upsert(
                Step,
                slug,
                {"simulation": item, "key": step["key"]},
                {"order": order, **localized_values(Step, step, STEP_FIELDS)},
            )
        for step in entry.get("steps", []):
            kept = []
            for order, choice in enumerate(step.get("choices", []), start=1):
                chain = choice.get("chain")
                if chain and chain not in self.links:
                    raise CommandError(
                        f"“{slug}” refers to unknown chain link {chain}."
                    )
                kept.append(
                    self.upsert(
                        SimulationChoice,
                        slug,
                        {"step": steps[step["key"]], "key": choice["key"]},
                        {
                            "order": order,
                            **localized_values(
                                SimulationChoice, choice, SIMULATION_CHOICE_FIELDS
                            ),
                            "next_step": steps.get(choice.get("next", "")),
                            "ending": endings.get(choice.get("ending", "")),
                            "leaks": ", ".join(choice.get("leaks", [])),
                            "chain_link": self.links.get(chain) if chain else None,
                        },
                    ).pk
                )
            SimulationChoice.objects.filter(step=steps[step["key"]]).exclude(
                pk__in=kept
            ).filter(turns__isnull=True).delete()
        item.steps.exclude(pk__in=[s.pk for s in steps.values()]).filter(
            turns__isnull=True
        ).delete()
        item.endings.exclude(pk__in=[e.pk for e in endings.values()]).filter(
            runs__isnull=True
        ).delete()
        item.start = steps[entry["start"]]
        item.save()
        return item

    def upsert(self, model, slug, identity, fields):
        row = model.objects.filter(**identity).first() or model(**identity)
        for name, value in fields.items():
            setattr(row, name, value)
        return self.save_valid(row, slug, exclude=list(identity))

    def save_valid(self, row, slug, *, exclude):
        try:
            row.full_clean(
                exclude=[*exclude, "next_step", "ending", "chain_link"],
                validate_unique=False,
                validate_constraints=False,
            )
        except ValidationError as error:
            name = getattr(row, "key", slug)
            raise CommandError(
                f"“{slug}” has an invalid {row._meta.verbose_name} “{name}”: "
                f"{error.messages}"
            ) from None
        row.save()
        return row

    def load_relations(self, item, entry):
        if isinstance(item, Source):
            return
        if isinstance(item, Track):
            self.load_track_quizzes(item, entry)
            return
        item.sources.set(self.lookup(self.sources, entry.get("sources", []), item))
        if isinstance(item, CaseStudy):
            item.tips.set(self.lookup(self.tips, entry.get("tips", []), item))
            item.figures.all().delete()
            self.create_valid(
                KeyFigure(
                    case_study=item,
                    order=order,
                    **localized_values(KeyFigure, figure, ("value", "label", "basis")),
                    source=self.lookup(self.sources, [figure["source"]], item)[0],
                )
                for order, figure in enumerate(entry.get("figures", []), start=1)
            )
            item.roles.all().delete()
            self.create_valid(
                ChainRole(
                    case_study=item,
                    order=order,
                    link=self.lookup(self.links, [role["link"]], item)[0],
                    **localized_values(
                        ChainRole, role, ("position", "actor", "action")
                    ),
                )
                for order, role in enumerate(entry.get("roles", []), start=1)
            )

    def load_track_quizzes(self, track, entry):
        slugs = entry.get("quizzes", [])
        quizzes = {quiz.slug: quiz for quiz in Quiz.objects.filter(slug__in=slugs)}
        missing = [slug for slug in slugs if slug not in quizzes]
        if missing:
            raise CommandError(
                f"Track “{track.slug}” refers to unknown quizzes {', '.join(missing)}."
            )
        track.steps.all().delete()
        TrackQuiz.objects.bulk_create(
            TrackQuiz(track=track, quiz=quizzes[slug], position=position)
            for position, slug in enumerate(slugs, start=1)
        )

    def create_valid(self, rows):
        rows = list(rows)
        for row in rows:
            # bulk_create() skips save(), where translations are tracked.
            row.update_translations()
            try:
                row.full_clean(exclude=["case_study", "link", "source"])
            except ValidationError as error:
                raise CommandError(
                    f"“{row.case_study.slug}” has an invalid "
                    f"{row._meta.verbose_name}: {error.messages}"
                ) from None
        if rows:
            type(rows[0]).objects.bulk_create(rows)

    def lookup(self, known, slugs, item):
        missing = [slug for slug in slugs if slug not in known]
        if missing:
            raise CommandError(f"“{item.slug}” refers to unknown {', '.join(missing)}.")
        return [known[slug] for slug in slugs]

import re
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from awareness.models import CaseStudy, ChainLink, Guide, KeyFigure, PrecautionTip

pytestmark = pytest.mark.django_db

CONTENT = Path(__file__).resolve().parent.parent / "content"

SMALL = {
    "sources.toml": """
[[source]]
slug = "pd"
order = 1
title = "Who is selling our personal information?"
publisher = "People's Daily"
published_on = 2025-04-21
""",
    "chain.toml": """
[[link]]
slug = "acquisition"
order = 1
title = "Acquisition"
summary = "Getting the data."
body = "Trojans and insiders."
last_verified = 2026-11-25
sources = ["pd"]
""",
    "tips/1-calls.toml": """
slug = "calls"
number = 1
title = "Watch out for unusual calls"
summary = "Overseas prefixes."
why_it_matters = "Scams."
what_to_do = "Hang up."
editor_note = ""
last_verified = 2026-11-25
sources = ["pd"]
""",
    "cases/01-trojans.toml": """
slug = "trojans"
number = 1
title = "Trojans"
summary = "Planted by staff."
story = "Lu covered the camera."
warning_signs = "A covered camera."
police_action = "Arrests."
takeaway = "Lock your screen."
last_verified = 2026-11-25
sources = ["pd"]
tips = ["calls"]

[[figures]]
value = "50+"
label = "companies poisoned"
basis = "confirmed"
source = "pd"

[[roles]]
link = "acquisition"
position = "downstream"
actor = "Runners such as Lu"
action = "Planted Trojans."
""",
    "guides/leaked.toml": """
slug = "leaked"
title = "If it leaked"
summary = "Steps."
body = "Call 110."
last_verified = 2026-11-25
sources = ["pd"]
""",
}


@pytest.fixture
def small(tmp_path):
    for name, text in SMALL.items():
        (tmp_path / name).parent.mkdir(exist_ok=True)
        (tmp_path / name).write_text(text)
    return tmp_path


def load(path=None, **options):
    out, err = StringIO(), StringIO()
    if path is not None:
        options["path"] = path
    call_command("load_content", stdout=out, stderr=err, **options)
    return out.getvalue(), err.getvalue()


def snapshot():
    return [
        (model.__name__, item.pk, item.updated_at, item.loaded_digest)
        for model in (CaseStudy, PrecautionTip, ChainLink, Guide)
        for item in model.objects.order_by("pk")
    ]


def test_real_content_loads_the_whole_article():
    out, _err = load()
    assert CaseStudy.objects.published().count() == 3
    assert PrecautionTip.objects.published().count() == 5
    assert list(ChainLink.objects.values_list("slug", flat=True)) == [
        "acquisition",
        "reselling",
        "use",
    ]
    assert Guide.objects.filter(slug="information-leaked").exists()
    assert "0 updated" in out


def test_loading_twice_changes_nothing():
    load()
    before = snapshot()
    out, _err = load()
    assert snapshot() == before
    assert re.search(r"0 created, 0 updated, \d+ unchanged, 0 kept", out)


def test_real_content_uses_only_confirmed_figures():
    load()
    figures = {
        (figure.case_study.slug, figure.value, figure.basis)
        for figure in KeyFigure.objects.select_related("case_study")
    }
    assert ("training-company-trojans", "50+", "confirmed") in figures
    assert ("order-decryption", "18", "confirmed") in figures
    for slug, value, basis in figures:
        assert value.strip("+ ") not in {"0", "300"}, (slug, value)
        assert basis in {"confirmed", "article"}
    text = " ".join(
        " ".join(str(v) for v in case.__dict__.values())
        for case in CaseStudy.objects.all()
    )
    assert "300 suspects" not in text
    assert "nearly 1,000" in text


def test_tip_one_explains_its_corrected_prefixes():
    load()
    tip = PrecautionTip.objects.get(slug="unusual-calls")
    assert "00" in tip.what_to_do + tip.why_it_matters + tip.summary
    assert "400" in tip.what_to_do + tip.why_it_matters + tip.summary
    assert "official" in tip.editor_note.lower()


def test_staff_edits_are_kept_and_reported(small):
    load(small)
    CaseStudy.objects.get(slug="trojans").save()  # as the admin would
    (small / "cases/01-trojans.toml").write_text(
        SMALL["cases/01-trojans.toml"].replace("Lu covered", "Lu hid")
    )
    out, err = load(small)
    assert "Kept case study “trojans”" in err
    assert "1 kept" in out
    assert CaseStudy.objects.get().story == "Lu covered the camera."


def test_overwrite_replaces_staff_edits(small):
    load(small)
    CaseStudy.objects.filter(slug="trojans").update(story="Edited in the admin.")
    CaseStudy.objects.get(slug="trojans").save()
    (small / "cases/01-trojans.toml").write_text(
        SMALL["cases/01-trojans.toml"].replace("Lu covered", "Lu hid")
    )
    load(small, overwrite=True)
    assert CaseStudy.objects.get().story == "Lu hid the camera."


def test_changed_file_updates_untouched_items_and_relations(small):
    load(small)
    (small / "cases/01-trojans.toml").write_text(
        SMALL["cases/01-trojans.toml"].replace('value = "50+"', 'value = "51+"')
    )
    out, _err = load(small)
    assert "1 updated" in out
    case_study = CaseStudy.objects.get()
    assert [f.value for f in case_study.figures.all()] == ["51+"]
    assert [r.actor for r in case_study.roles.all()] == ["Runners such as Lu"]
    assert [t.slug for t in case_study.tips.all()] == ["calls"]


def test_unpublished_by_staff_stays_unpublished(small):
    load(small)
    case_study = CaseStudy.objects.get()
    case_study.is_published = False
    case_study.save()
    load(small)
    assert not CaseStudy.objects.get().is_published


def test_unknown_reference_is_a_clear_error(small):
    (small / "cases/01-trojans.toml").write_text(
        SMALL["cases/01-trojans.toml"].replace('tips = ["calls"]', 'tips = ["nope"]')
    )
    with pytest.raises(CommandError, match="refers to unknown nope"):
        load(small)
    assert not CaseStudy.objects.exists()


def test_invalid_choice_is_a_clear_error(small):
    (small / "cases/01-trojans.toml").write_text(
        SMALL["cases/01-trojans.toml"].replace('"downstream"', '"sideways"')
    )
    with pytest.raises(CommandError, match="invalid role in the chain"):
        load(small)


def test_broken_toml_is_a_clear_error(small):
    (small / "chain.toml").write_text("[[link]\nslug =")
    with pytest.raises(CommandError, match="not valid TOML"):
        load(small)


def test_missing_folder_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="No content folder"):
        load(tmp_path / "missing")


def test_real_quizzes_cover_every_kind_with_enough_questions():
    from quizzes.models import Question, Quiz

    load()
    assert Quiz.objects.published().count() >= 4
    questions = Question.objects.prefetch_related("choices")
    assert questions.count() >= 40
    assert {q.kind for q in questions} == set(Question.Kind.values)
    verdicts = [q.is_scam for q in questions if q.kind == "scam_or_legit"]
    assert verdicts.count(False) * 5 >= len(verdicts)
    for question in questions:
        choices = list(question.choices.all())
        assert question.choice_problems(choices) == [], question.key
        assert question.explanation.strip(), question.key
        assert all(choice.explanation.strip() for choice in choices), question.key
        if question.is_mock:
            assert question.channel and question.body, question.key
    text = " ".join(
        f"{q.sender} {q.body} {c.text}" for q in questions for c in q.choices.all()
    )
    for domain in re.findall(r"\b[\w-]+\.(?:com|cn|net|org)\b", text):
        raise AssertionError(f"real-looking domain in a mock: {domain}")


def test_loading_quizzes_keeps_learners_answers(small):
    load(small)
    (small / "quizzes").mkdir()
    quiz_file = small / "quizzes/1-calls.toml"
    quiz_file.write_text(QUIZ)
    load(small)
    from django.contrib.auth.models import AnonymousUser

    from quizzes.models import Attempt, Question

    attempt = Attempt.objects.start(
        quiz=Question.objects.get().quiz, user=AnonymousUser(), learner_key="k"
    )
    answer = attempt.answers.get()
    answer.record([answer.question.choices.get(is_correct=True)])
    quiz_file.write_text(
        QUIZ.replace("Hang up.", "Hang up now.").replace(
            'key = "calls-plus"', 'key = "calls-renamed"'
        )
    )
    load(small)
    answer.refresh_from_db()
    assert answer.mark == 1.0 and answer.choices.count() == 1
    assert Question.objects.count() == 2


def test_broken_question_is_a_clear_error(small):
    (small / "quizzes").mkdir()
    (small / "quizzes/1-calls.toml").write_text(
        QUIZ.replace("correct = false", "correct = true")
    )
    with pytest.raises(CommandError, match="exactly one right option"):
        load(small)


def test_every_problem_in_a_quiz_file_is_reported_and_nothing_loads(small):
    (small / "quizzes").mkdir()
    (small / "quizzes/1-calls.toml").write_text(
        QUIZ.replace('feedback = "immediate"', 'feedback = "sometimes"').replace(
            'source = "pd"', 'source = "nowhere"'
        )
    )
    with pytest.raises(CommandError) as error:
        load(small)
    assert "“calls”: quiz: feedback: Value 'sometimes'" in str(error.value)
    assert "refers to an unknown source “nowhere”" in str(error.value)
    assert not CaseStudy.objects.exists()


def test_a_quiz_file_without_questions_is_refused(small):
    (small / "quizzes").mkdir()
    (small / "quizzes/1-calls.toml").write_text(QUIZ.partition("[[questions]]")[0])
    with pytest.raises(CommandError, match="needs at least one published question"):
        load(small)


def test_a_question_in_two_quiz_files_is_refused(small):
    (small / "quizzes").mkdir()
    (small / "quizzes/1-calls.toml").write_text(QUIZ)
    (small / "quizzes/2-more.toml").write_text(
        QUIZ.replace('slug = "calls"', 'slug = "more"')
    )
    with pytest.raises(CommandError, match="“calls-plus” belongs to a question"):
        load(small)
    assert not CaseStudy.objects.exists()


QUIZ = """
slug = "calls"
order = 1
title = "Calls"
summary = "Spot the scam call."
feedback = "immediate"
pass_mark = 70
shuffle_questions = true
shuffle_choices = true
draw = 0
last_verified = 2026-11-25
sources = ["pd"]

[[questions]]
key = "calls-plus"
kind = "single"
topic = "calls"
prompt = "A call from +?"
explanation = "Overseas."
tip = "calls"
source = "pd"

[[questions.choices]]
text = "Hang up."
correct = true
explanation = "Right."

[[questions.choices]]
text = "Call back."
correct = false
explanation = "No."
"""


def test_every_real_question_links_to_a_page_that_teaches_it():
    from quizzes.models import Question

    load()
    for question in Question.objects.select_related(
        "case_study", "tip", "guide", "chain_link"
    ):
        assert question.teaches(), question.key

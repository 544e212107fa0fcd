import io
import json
import zipfile
from io import StringIO

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import AnonymousUser
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from pytest_django.asserts import assertContains
from reversion.models import Version

from quizzes import portability
from quizzes.models import Attempt, Choice, Question, Quiz

from .factories import make_question, make_quiz

pytestmark = pytest.mark.django_db


@pytest.fixture
def content():
    call_command("load_content", stdout=StringIO())
    # Exercise the fields the article's files leave empty.
    choice = Choice.objects.filter(is_correct=False).first()
    choice.misconception = "trusts-caller-id"
    choice.save()
    question = Question.objects.filter(kind="single").last()
    question.is_published = False
    question.save()


@pytest.fixture
def small():
    """A quiz with a question of every kind, and another quiz beside it."""
    from awareness.tests.factories import make_tip

    make_tip(slug="unusual-calls")
    quiz = make_quiz(slug="suspicious-calls")
    make_question(
        quiz, choices=(("Hang up", True), ("Call back", False, "trusts-caller-id"))
    )
    make_question(quiz, kind="true_false", choices=(("True", False), ("False", True)))
    make_question(
        quiz, kind="multiple", choices=(("A", True), ("B", True), ("C", False))
    )
    make_question(quiz, kind="scam_or_legit", is_scam=False)
    make_question(
        quiz,
        kind="red_flags",
        channel="sms",
        choices=(("Dear customer, ", False), ("tap here ", True), ("now.", False)),
    )
    make_question(make_quiz(slug="jobs"), key="jobs-deposit")


def export(tmp_path, *slugs):
    call_command("export_quizzes", *slugs, output=tmp_path, stdout=StringIO())
    return {path.name: path.read_text() for path in sorted(tmp_path.glob("*.json"))}


def import_(*paths, **options):
    out = StringIO()
    call_command("import_quizzes", *paths, stdout=out, **options)
    return out.getvalue()


def snapshot():
    return {quiz.slug: portability.dumps(quiz) for quiz in Quiz.objects.all()}, (
        Question.objects.count(),
        Choice.objects.count(),
    )


def quiz_files():
    """How many quizzes the article's content holds: one file each."""
    from awareness.management.commands.load_content import DEFAULT_PATH

    return len(list((DEFAULT_PATH / "quizzes").glob("*.toml")))


def test_export_then_import_into_an_empty_site_round_trips_exactly(content, tmp_path):
    first = export(tmp_path / "first")
    n = quiz_files()
    assert len(first) == Quiz.objects.count() == n
    Quiz.objects.all().delete()
    assert f"Imported {n} quizzes: {n} new, 0 updated." in import_(tmp_path / "first")
    assert export(tmp_path / "second") == first


def test_importing_over_the_same_quizzes_keeps_every_row(content, tmp_path):
    files = export(tmp_path)
    quiz = Quiz.objects.get(slug="suspicious-calls")
    attempt = Attempt.objects.start(quiz=quiz, user=AnonymousUser(), learner_key="k")
    answer = attempt.answers.first()
    chosen = answer.question.choices.first()
    answer.record([chosen])
    choice_ids = set(Choice.objects.values_list("pk", flat=True))
    assert f"0 new, {quiz_files()} updated" in import_(tmp_path)
    assert set(Choice.objects.values_list("pk", flat=True)) == choice_ids
    answer.refresh_from_db()
    assert list(answer.choices.all()) == [chosen]
    assert export(tmp_path / "again") == files


def test_a_changed_file_updates_the_quiz_in_place(content, tmp_path):
    export(tmp_path, "suspicious-calls")
    path = tmp_path / "suspicious-calls.json"
    data = json.loads(path.read_text())
    data["quiz"]["title"] = "Calls, revised"
    data["quiz"]["questions"][0]["choices"][0]["text"] = "Reworded."
    data["quiz"]["questions"].pop()
    path.write_text(json.dumps(data))
    import_(path)
    quiz = Quiz.objects.get(slug="suspicious-calls")
    assert quiz.title == "Calls, revised"
    assert quiz.questions.count() == len(data["quiz"]["questions"])
    assert quiz.questions.first().choices.first().text == "Reworded."


def _quiz(data):
    return data["quiz"]


def _question(data, n=0):
    return data["quiz"]["questions"][n]


def _key_elsewhere():
    return (
        Question.objects.exclude(quiz__slug="suspicious-calls")
        .values_list("key", flat=True)
        .first()
    )


def _first_of_kind(data, kind):
    return next(q for q in data["quiz"]["questions"] if q["kind"] == kind)


BAD = [
    ("not JSON", None, "not valid JSON"),
    ("another format", lambda d: d.update(format="something-else"), "not a quiz file"),
    ("missing field", lambda d: _quiz(d).pop("summary"), "missing summary"),
    ("unknown field", lambda d: _quiz(d).update(colour="red"), "unknown colour"),
    ("text for a number", lambda d: _quiz(d).update(pass_mark="70"), "pass_mark has"),
    ("true for a number", lambda d: _quiz(d).update(draw=True), "draw has the wrong"),
    ("bad date", lambda d: _quiz(d).update(last_verified="soon"), "not a valid date"),
    (
        "date without a zone",
        lambda d: _quiz(d).update(published_at="2025-04-21T08:00:00"),
        "published_at is not a valid date",
    ),
    (
        "publish date in year 1, ahead of UTC",
        lambda d: _quiz(d).update(published_at="0001-01-01T00:00:00+05:00"),
        "published_at: Enter a date between the years 2000 and",
    ),
    (
        "publish date in year 9999, behind UTC",
        lambda d: _quiz(d).update(published_at="9999-12-31T23:59:59-12:00"),
        "published_at: Enter a date between the years 2000 and",
    ),
    (
        "verified in year 1",
        lambda d: _quiz(d).update(last_verified="0001-01-01"),
        "last_verified: Enter a date between the years 2000 and",
    ),
    (
        "question verified in year 9999",
        lambda d: _question(d).update(last_verified="9999-12-31"),
        "last_verified: Enter a date between the years 2000 and",
    ),
    (
        "NUL in a title",
        lambda d: _quiz(d).update(title="Calls\x00"),
        "title contains a NUL character",
    ),
    (
        "NUL in an option",
        lambda d: _question(d)["choices"][0].update(text="Hang\x00up"),
        "text contains a NUL character",
    ),
    (
        "NUL in a source's slug",
        lambda d: _quiz(d)["sources"].append("a\x00b"),
        "sources must be slugs",
    ),
    (
        "NUL in a tip's slug",
        lambda d: _question(d).update(tip="\x00"),
        "tip contains a NUL character",
    ),
    (
        "unknown source",
        lambda d: _quiz(d)["sources"].append("nowhere"),
        "unknown source “nowhere”",
    ),
    (
        "unknown tip",
        lambda d: _question(d).update(tip="no-such-tip"),
        "unknown precaution tip “no-such-tip”",
    ),
    ("kind that does not exist", lambda d: _question(d).update(kind="essay"), "essay"),
    (
        "same key twice",
        lambda d: _question(d, 1).update(key=_question(d)["key"]),
        "appears twice",
    ),
    (
        "key of another quiz's question",
        lambda d: _question(d).update(key=_key_elsewhere()),
        "belongs to a question of",
    ),
    (
        "two right options",
        lambda d: [
            c.update(is_correct=True) for c in _first_of_kind(d, "single")["choices"]
        ],
        "exactly one right option",
    ),
    (
        "scam or legit without a verdict",
        lambda d: _first_of_kind(d, "scam_or_legit").update(is_scam=None),
        "needs its verdict",
    ),
    (
        "red flags without a decoy",
        lambda d: [
            c.update(is_correct=True) for c in _first_of_kind(d, "red_flags")["choices"]
        ],
        "at least one harmless part",
    ),
    (
        "misconception on a right option",
        lambda d: [
            c.update(misconception="x")
            for c in _question(d)["choices"]
            if c["is_correct"]
        ],
        "Only a wrong option",
    ),
    (
        "published with only drafts",
        lambda d: [q.update(is_published=False) for q in _quiz(d)["questions"]],
        "needs at least one published question",
    ),
    (
        "empty title",
        lambda d: _quiz(d).update(title=""),
        "title: This field cannot be blank",
    ),
]


@pytest.mark.parametrize(("case", "change", "message"), BAD, ids=[b[0] for b in BAD])
def test_a_bad_file_is_refused_clearly_and_changes_nothing(
    small, tmp_path, case, change, message
):
    export(tmp_path, "suspicious-calls")
    path = tmp_path / "suspicious-calls.json"
    if change is None:
        path.write_text(path.read_text()[:-20])
    else:
        data = json.loads(path.read_text())
        change(data)
        path.write_text(json.dumps(data))
    before = snapshot()
    with pytest.raises(CommandError, match="Nothing was imported") as error:
        import_(path)
    assert message in str(error.value)
    assert "suspicious-calls.json" in str(error.value)
    assert snapshot() == before


def test_a_file_dropping_answered_questions_or_options_is_refused(small, tmp_path):
    export(tmp_path, "suspicious-calls")
    quiz = Quiz.objects.get(slug="suspicious-calls")
    attempt = Attempt.objects.start(quiz=quiz, user=AnonymousUser(), learner_key="k")
    for answer in attempt.answers.all():
        answer.record([answer.question.choices.last()])
    path = tmp_path / "suspicious-calls.json"
    data = json.loads(path.read_text())
    dropped = data["quiz"]["questions"].pop()
    data["quiz"]["questions"][0]["choices"].pop()
    path.write_text(json.dumps(data))
    with pytest.raises(CommandError) as error:
        import_(path)
    assert f"question “{dropped['key']}” has learners' answers" in str(error.value)
    assert "has learners' answers and is missing from the file" in str(error.value)


def test_one_bad_file_among_good_ones_imports_none(content, tmp_path):
    export(tmp_path)
    path = tmp_path / "suspicious-calls.json"
    data = json.loads(path.read_text())
    data["quiz"]["title"] = ""
    path.write_text(json.dumps(data))
    (tmp_path / "jobs-and-workplace.json").write_text(
        (tmp_path / "jobs-and-workplace.json")
        .read_text()
        .replace('"title": "', '"title": "Changed ', 1)
    )
    before = snapshot()
    with pytest.raises(CommandError):
        import_(tmp_path)
    assert snapshot() == before


def test_the_same_quiz_in_two_files_is_refused(small, tmp_path):
    export(tmp_path, "suspicious-calls")
    (tmp_path / "copy.json").write_text(
        (tmp_path / "suspicious-calls.json").read_text()
    )
    with pytest.raises(CommandError, match="both hold the quiz"):
        import_(tmp_path)


def test_check_only_writes_nothing(content, tmp_path):
    export(tmp_path)
    Quiz.objects.filter(slug="suspicious-calls").delete()
    assert "all can be imported" in import_(tmp_path, check=True)
    assert not Quiz.objects.filter(slug="suspicious-calls").exists()


def test_export_refuses_unknown_slugs(tmp_path):
    with pytest.raises(CommandError, match="No quiz with the slug nope"):
        export(tmp_path, "nope")


# The article's TOML quiz files, loaded by load_content, go through the same
# importer: the same mistake is refused in the same words in either format.

TOML_QUIZ = """
slug = "calls"
title = "Calls"
summary = "Spot the scam call."
last_verified = 2026-11-25
sources = ["pd"]

[[questions]]
key = "calls-plus"
kind = "single"
topic = "calls"
prompt = "A call from +?"
explanation = "Overseas."
source = "pd"

[[questions.choices]]
text = "Hang up."
correct = true
explanation = "Right."

[[questions.choices]]
text = "Call back."
correct = false
explanation = "No."

[[questions]]
key = "calls-back"
kind = "true_false"
topic = "calls"
prompt = "Call back a missed overseas number?"
explanation = "Never."
source = "pd"

[[questions.choices]]
text = "True"
correct = false
explanation = "No."

[[questions.choices]]
text = "False"
correct = true
explanation = "Right."
"""


@pytest.fixture
def toml_content(tmp_path):
    """A content folder holding TOML_QUIZ, loaded; and a quiz beside it."""
    folder = tmp_path / "content"
    (folder / "quizzes").mkdir(parents=True)
    (folder / "sources.toml").write_text(
        '[[source]]\nslug = "pd"\ntitle = "Data for sale"\npublisher = "PD"\n'
    )
    (folder / "chain.toml").write_text("")
    (folder / "quizzes/calls.toml").write_text(TOML_QUIZ)
    call_command("load_content", path=folder, stdout=StringIO())
    make_question(make_quiz(slug="jobs"), key="jobs-deposit")
    return folder


SAME_RULES = [
    (
        "a key twice",
        ('key = "calls-back"', 'key = "calls-plus"'),
        lambda d: _question(d, 1).update(key="calls-plus"),
        "question 2: key “calls-plus” appears twice.",
    ),
    (
        "the key of another quiz's question",
        ('key = "calls-back"', 'key = "jobs-deposit"'),
        lambda d: _question(d, 1).update(key="jobs-deposit"),
        "question 2: key “jobs-deposit” belongs to a question of “jobs”.",
    ),
    (
        "an unknown page",
        ('source = "pd"', 'guide = "nope"\nsource = "pd"'),
        lambda d: _question(d).update(guide="nope"),
        "question “calls-plus”: refers to an unknown guide “nope”.",
    ),
    (
        "two right options",
        ("correct = false", "correct = true"),
        lambda d: _question(d)["choices"][1].update(is_correct=True),
        "question “calls-plus”: A single-answer question needs exactly one right "
        "option.",
    ),
    (
        "a misconception on the right option",
        ("correct = true", 'correct = true\nmisconception = "x"'),
        lambda d: _question(d)["choices"][0].update(misconception="x"),
        "question “calls-plus”, option 1: misconception: Only a wrong option can "
        "carry a misconception.",
    ),
]


@pytest.mark.parametrize(
    ("case", "toml_change", "json_change", "message"),
    SAME_RULES,
    ids=[rule[0] for rule in SAME_RULES],
)
def test_toml_and_json_files_are_checked_by_the_same_importer(
    toml_content, tmp_path, case, toml_change, json_change, message
):
    data = portability.export_quiz(Quiz.objects.get(slug="calls"))
    json_change(data)
    (tmp_path / "calls.json").write_text(json.dumps(data))
    (toml_content / "quizzes/calls.toml").write_text(TOML_QUIZ.replace(*toml_change, 1))
    before = snapshot()
    with pytest.raises(CommandError) as from_json:
        import_(tmp_path / "calls.json")
    with pytest.raises(CommandError) as from_toml:
        call_command("load_content", path=toml_content, stdout=StringIO())
    assert f"calls.json: {message}" in str(from_json.value)
    assert f"“calls”: {message}" in str(from_toml.value)
    assert snapshot() == before


def test_load_content_import_quizzes_and_the_admin_all_use_plan_quiz(
    toml_content, tmp_path, editor_client, monkeypatch
):
    planned = []
    plan_quiz = portability.plan_quiz

    def spy(name, data, **options):
        planned.append(name)
        return plan_quiz(name, data, **options)

    monkeypatch.setattr(portability, "plan_quiz", spy)
    (toml_content / "quizzes/calls.toml").write_text(
        TOML_QUIZ.replace("Hang up.", "Hang up now.")
    )
    call_command("load_content", path=toml_content, stdout=StringIO())
    text = portability.dumps(Quiz.objects.get(slug="calls"))
    (tmp_path / "calls.json").write_text(text.replace("Hang up now.", "Hang up!"))
    import_(tmp_path / "calls.json")
    editor_client.post(
        reverse("admin:quizzes_quiz_import"), {"files": [upload("admin.json", text)]}
    )
    assert planned == ["“calls”", "calls.json", "admin.json"]
    assert Choice.objects.filter(text="Hang up now.").exists()


# In the admin


def test_admin_exports_one_quiz_as_json_and_several_as_a_zip(content, editor_client):
    url = reverse("admin:quizzes_quiz_changelist")
    calls = Quiz.objects.get(slug="suspicious-calls")
    response = editor_client.post(
        url, {"action": "export_json", "_selected_action": [calls.pk]}
    )
    assert (
        response["Content-Disposition"]
        == 'attachment; filename="suspicious-calls.json"'
    )
    assert response.content.decode() == portability.dumps(calls)
    response = editor_client.post(
        url,
        {
            "action": "export_json",
            "_selected_action": list(Quiz.objects.values_list("pk", flat=True)),
        },
    )
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    assert sorted(archive.namelist()) == sorted(
        f"{slug}.json" for slug in Quiz.objects.values_list("slug", flat=True)
    )


def upload(name, text):
    return SimpleUploadedFile(name, text.encode() if isinstance(text, str) else text)


def test_admin_import_writes_the_quizzes_and_logs_them(small, editor_client):
    calls = Quiz.objects.get(slug="suspicious-calls")
    text = portability.dumps(calls).replace(calls.title, "Calls, revised")
    url = reverse("admin:quizzes_quiz_import")
    assert editor_client.get(url).status_code == 200
    response = editor_client.post(url, {"files": [upload("calls.json", text)]})
    assert response.status_code == 302
    calls.refresh_from_db()
    assert calls.title == "Calls, revised"
    entry = LogEntry.objects.get(object_id=str(calls.pk))
    assert entry.user.username == "editors"
    assert "Imported from a file." in entry.get_change_message()


@pytest.mark.parametrize(
    ("content_bytes", "message"),
    [
        (b"{broken", "not valid JSON"),
        ("\ufeff".encode("utf-16"), "is not UTF-8 text"),
        (b"x" * (1024 * 1024 + 1), "larger than 1 MB"),
    ],
)
def test_admin_import_refuses_bad_files_and_changes_nothing(
    small, editor_client, content_bytes, message
):
    before = snapshot()
    response = editor_client.post(
        reverse("admin:quizzes_quiz_import"),
        {"files": [upload("bad.json", content_bytes)]},
    )
    assertContains(response, message, status_code=400)
    assert snapshot() == before


def test_deeply_nested_json_is_refused_clearly(small, editor_client):
    text = '{"format": "guard-your-info/quiz", "version": 1, "quiz": '
    text += "[" * 100_000 + "]" * 100_000 + "}"
    before = snapshot()
    response = editor_client.post(
        reverse("admin:quizzes_quiz_import"), {"files": [upload("deep.json", text)]}
    )
    assertContains(response, "nested too deeply", status_code=400)
    assert snapshot() == before


def test_admin_import_without_a_file_asks_for_one(editor_client):
    response = editor_client.post(reverse("admin:quizzes_quiz_import"), {})
    assertContains(response, "This field is required", status_code=400)


def test_analysts_cannot_import(analyst_client):
    assert analyst_client.get(reverse("admin:quizzes_quiz_import")).status_code == 403


def test_admin_import_of_a_date_out_of_range_is_reported_and_pages_stay_up(
    small, editor_client
):
    calls = Quiz.objects.get(slug="suspicious-calls")
    data = json.loads(portability.dumps(calls))
    data["quiz"]["published_at"] = "0001-01-01T00:00:00+05:00"
    response = editor_client.post(
        reverse("admin:quizzes_quiz_import"),
        {"files": [upload("calls.json", json.dumps(data))]},
    )
    assertContains(response, "Enter a date between the years 2000", status_code=400)
    for url in (
        reverse("quizzes:quiz_list"),
        reverse("admin:quizzes_quiz_changelist"),
    ):
        assert editor_client.get(url).status_code == 200, url


def test_a_quiz_of_1300_questions_imports_well_inside_a_request(editor_client):
    """Gunicorn gives a request 30 s; the file is imported in a fraction."""
    import time

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    quiz = make_quiz(slug="big")
    make_question(quiz, key="q-0", choices=(("A", True), ("B", False), ("C", False)))
    data = json.loads(portability.dumps(quiz))
    quiz.questions.all().delete()
    quiz.delete()
    (template,) = data["quiz"]["questions"]
    data["quiz"]["questions"] = [
        {**template, "key": f"q-{n}", "order": n, "prompt": f"Question {n}?"}
        for n in range(1300)
    ]
    text = json.dumps(data)
    url = reverse("admin:quizzes_quiz_import")
    for _time in ("first", "again, unchanged"):
        started = time.perf_counter()
        with CaptureQueriesContext(connection) as queries:
            response = editor_client.post(url, {"files": [upload("big.json", text)]})
        assert response.status_code == 302
        assert time.perf_counter() - started < 15
        # Not a query per row: the history's one per question is the most.
        assert len(queries) < 1300 * 1.5
    assert Question.objects.filter(quiz__slug="big").count() == 1300
    assert Choice.objects.filter(question__quiz__slug="big").count() == 3900
    # Rows inserted at once still get their history.
    assert Version.objects.get_for_object(Question.objects.get(key="q-7")).exists()

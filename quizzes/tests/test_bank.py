"""The practice bank, checked the way an examiner would check it.

These read the content files themselves (awareness/content/quizzes/), so they
judge what is written, quickly and without a database: every question loaded
from them is published. The loader's own tests check that they load.
"""

import re
import tomllib
from collections import Counter, defaultdict
from pathlib import Path

import pytest

from quizzes.misconceptions import Misconception
from quizzes.models import Question

CONTENT = Path(__file__).resolve().parents[2] / "awareness" / "content"
QUIZ_FILES = sorted((CONTENT / "quizzes").glob("*.toml"))


def _load():
    quizzes = [tomllib.loads(path.read_text()) for path in QUIZ_FILES]
    questions = [q for quiz in quizzes for q in quiz.get("questions", [])]
    return quizzes, questions


QUIZZES, QUESTIONS = _load()
SOURCES = {
    source["slug"]
    for source in tomllib.loads((CONTENT / "sources.toml").read_text())["source"]
}
SCAM_OR_LEGIT = [q for q in QUESTIONS if q["kind"] == "scam_or_legit"]
RED_FLAGS = [q for q in QUESTIONS if q["kind"] == "red_flags"]


def share(part, whole):
    return len(part) / len(whole)


def test_the_bank_holds_at_least_100_questions_in_at_least_7_quizzes():
    assert len(QUIZZES) >= 7
    assert len(QUESTIONS) >= 100
    keys = Counter(q["key"] for q in QUESTIONS)
    assert [key for key, n in keys.items() if n > 1] == []


def test_most_questions_show_a_mock_up_on_many_channels():
    mocks = [q for q in QUESTIONS if q.get("channel")]
    assert share(mocks, QUESTIONS) >= 0.55
    channels = Counter(q["channel"] for q in mocks)
    assert set(channels) <= set(Question.Channel.values)
    assert len(channels) >= 8, channels
    assert channels["courier_slip"] >= 1
    for question in SCAM_OR_LEGIT + RED_FLAGS:
        assert question.get("channel"), question["key"]


def test_practice_is_applied_not_recall():
    skills = Counter(q.get("skill") for q in QUESTIONS)
    assert set(skills) <= set(Question.Skill.values), skills
    assert skills["recall"] / len(QUESTIONS) <= 0.15
    # "What do you do next?" items transfer best: a fair share of them.
    assert skills["act"] / len(QUESTIONS) >= 0.10


def test_scam_or_legit_items_are_many_and_balanced():
    assert len(SCAM_OR_LEGIT) >= 35
    legit = [q for q in SCAM_OR_LEGIT if q["is_scam"] is False]
    assert 0.35 <= share(legit, SCAM_OR_LEGIT) <= 0.65


def test_some_red_flag_messages_are_all_clear():
    clear = [q for q in RED_FLAGS if not any(c["correct"] for c in q["choices"])]
    assert len(clear) >= 3
    assert len(clear) < len(RED_FLAGS) / 2


def test_every_wrong_option_names_its_misconception_from_the_list():
    untagged, wrong_tag, tagged_right = [], [], []
    for question in QUESTIONS:
        for choice in question["choices"]:
            tag = choice.get("misconception", "")
            if choice["correct"]:
                if tag:
                    tagged_right.append((question["key"], choice["text"]))
            elif not tag:
                untagged.append((question["key"], choice["text"]))
            elif tag not in Misconception.values:
                wrong_tag.append((question["key"], tag))
    assert untagged == []
    assert wrong_tag == []
    assert tagged_right == []


def test_every_question_is_one_of_a_family_of_real_variants():
    families = defaultdict(list)
    for question in QUESTIONS:
        assert question.get("family"), question["key"]
        families[question["family"]].append(question)
    lonely = [name for name, members in families.items() if len(members) < 2]
    assert lonely == []
    for name, members in families.items():
        surfaces = {
            (q.get("channel", ""), q.get("sender", ""), q.get("body", ""), q["prompt"])
            for q in members
        }
        assert len(surfaces) == len(members), f"{name}: two variants are the same"


def test_every_question_cites_a_listed_source_and_a_teaching_page():
    for quiz in QUIZZES:
        assert set(quiz["sources"]) <= SOURCES, quiz["slug"]
    for question in QUESTIONS:
        assert question["source"] in SOURCES, question["key"]
        assert any(question.get(page) for page in Question.TEACHING_PAGES), question[
            "key"
        ]


LATIN_WORD = re.compile(r"[A-Za-z]{3,}")
ADDRESS = re.compile(r"(https?://|www\.)\S+|\S+@\S+|\S+\.example\S*", re.I)


def english_left_in(text):
    words = LATIN_WORD.findall(ADDRESS.sub("", text or ""))
    # Masked digits ("95xxx", "1069 XXXX") are not words.
    return any(word.strip("xX") for word in words)


def test_everything_a_reader_sees_is_in_simplified_chinese_too():
    missing = []
    for question in QUESTIONS:
        fields = ["prompt", "explanation", "body", "details", "subject", "sender"]
        for field in fields:
            english = question.get(field, "")
            chinese = question.get(f"{field}_zh_hans")
            if question["kind"] == "red_flags" and field == "body":
                continue
            if not english:
                continue
            if chinese is None:
                # A number, an address or a time reads the same in Chinese.
                if field in ("sender", "subject") and not english_left_in(english):
                    continue
                missing.append((question["key"], field))
            elif chinese == english and english_left_in(english):
                missing.append((question["key"], field))
        for n, choice in enumerate(question["choices"], start=1):
            for field in ("text", "explanation"):
                if not choice.get(f"{field}_zh_hans"):
                    missing.append((question["key"], f"option {n} {field}"))
    assert missing == []


def test_red_flag_segments_are_translated_segment_by_segment():
    for question in RED_FLAGS:
        for choice in question["choices"]:
            assert choice["text"].strip() or choice["text_zh_hans"].strip()
            assert bool(choice["text"].strip()) == bool(
                choice["text_zh_hans"].strip()
            ), question["key"]


# Giveaways: a surface feature that only genuine messages have, or only
# scams have without being a real cue, lets a learner score without the
# skill. The grams are short phrases of the messages as the mock shows them.

ENGLISH_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
HAN = re.compile(r"[\u4e00-\u9fff]+")

# Phrases that are the real tell, and so may belong to scams alone.
REAL_CUES_EN = {
    "safe account",
    "verification code",
    "share your screen",
    "screen sharing",
    "your screen",
    "the code",
    "deposit",
    "fee",
    "card number",
}
REAL_CUES_ZH = {
    "安全账户",
    "验证码",
    "共享屏幕",
    "屏幕共享",
    "保证金",
    "手续费",
    "银行卡号",
}


def message(question, suffix=""):
    return " ".join(
        question.get(f"{field}{suffix}", "") or ""
        for field in ("sender", "subject", "details", "body")
    )


def english_grams(text):
    words = ENGLISH_WORD.findall(ADDRESS.sub(" ", text.lower()))
    return {
        " ".join(words[i : i + n]) for n in (2, 3, 4) for i in range(len(words) - n + 1)
    }


def chinese_grams(text):
    grams = set()
    for run in HAN.findall(text):
        for n in (3, 4, 5, 6):
            grams.update(run[i : i + n] for i in range(len(run) - n + 1))
    return grams


def giveaways(grams_of, real_cues):
    legit = [grams_of(q) for q in SCAM_OR_LEGIT if q["is_scam"] is False]
    scams = [grams_of(q) for q in SCAM_OR_LEGIT if q["is_scam"] is True]
    in_legit = Counter(g for grams in legit for g in grams)
    in_scams = Counter(g for grams in scams for g in grams)
    only_legit = sorted(
        g
        for g, n in in_legit.items()
        if n >= max(3, 0.15 * len(legit)) and not in_scams[g]
    )
    only_scams = sorted(
        g
        for g, n in in_scams.items()
        if n >= max(4, 0.25 * len(scams))
        and not in_legit[g]
        and not any(cue in g or g in cue for cue in real_cues)
    )
    return only_legit, only_scams


@pytest.mark.parametrize(
    "grams_of, real_cues",
    [
        (lambda q: english_grams(message(q)), REAL_CUES_EN),
        (lambda q: chinese_grams(message(q, "_zh_hans")), REAL_CUES_ZH),
    ],
    ids=["English", "Chinese"],
)
def test_no_phrase_gives_the_verdict_away(grams_of, real_cues):
    only_legit, only_scams = giveaways(grams_of, real_cues)
    assert only_legit == [], "phrases only genuine messages have"
    assert only_scams == [], "phrases only scams have that are not real cues"


def test_the_right_option_is_not_the_longest_one_by_habit():
    for field in ("text", "text_zh_hans"):
        longest = []
        singles = [q for q in QUESTIONS if q["kind"] == "single"]
        for question in singles:
            lengths = sorted(len(c[field]) for c in question["choices"])
            right = next(len(c[field]) for c in question["choices"] if c["correct"])
            if right == lengths[-1] and lengths[-1] > lengths[-2]:
                longest.append(question["key"])
        assert len(longest) <= 0.4 * len(singles), (field, longest)


def test_the_legit_reassurance_giveaway_is_gone():
    reassured = re.compile(r"(will|would) never ask|绝不会|从不会|不会向你索要", re.I)
    legit = [q for q in SCAM_OR_LEGIT if q["is_scam"] is False]
    scams = [q for q in SCAM_OR_LEGIT if q["is_scam"] is True]
    legit_with = [q for q in legit if reassured.search(message(q))]
    scams_with = [q for q in scams if reassured.search(message(q))]
    # Real scams carry reassurances too; no longer only the genuine messages.
    assert scams_with
    assert share(legit_with, legit) <= 0.5

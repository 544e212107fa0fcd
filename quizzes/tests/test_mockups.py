"""Mock-ups: parsing a question into what the templates draw, and the pages."""

import re
from dataclasses import dataclass
from types import SimpleNamespace

import pytest
from django.utils import translation
from pytest_django.asserts import assertContains, assertNotContains

from quizzes import mockups
from quizzes.forms import AnswerForm
from quizzes.models import Answer, Attempt, Question

from .factories import make_question, make_quiz
from .mock_examples import CALL, SMS, attempt_on, make_mock_questions


def fake(channel="sms", body="", kind="single", **fields):
    """A question-shaped object: mockups.build reads attributes only."""
    fields = {"sender": "", "subject": "", "sent_at": "", "details": "", **fields}
    return SimpleNamespace(channel=channel, body=body, kind=kind, **fields)


@dataclass(eq=False)
class Segment:
    text: str
    key: str
    is_correct: bool


def segments(*texts, flags=()):
    return [Segment(text, f"k{n}", n in flags) for n, text in enumerate(texts)]


def texts(mock):
    return [[part.text for part in block.parts] for block in mock.blocks]


# Parsing.


def test_paragraphs_split_at_blank_lines_and_keep_single_breaks():
    mock = mockups.build(fake(body="Line one\nline two\n\n\nSecond paragraph."))
    assert texts(mock) == [["Line one\nline two"], ["Second paragraph."]]
    kinds = [piece.kind for piece in mock.blocks[0].parts[0].pieces]
    assert kinds == ["text", "break", "text"]


def test_chat_and_call_lines_are_bubbles_and_a_prompt_marks_the_learners_side():
    body = "Hello?\n> Who is this?\n\n>Me again\nThe police."
    mock = mockups.build(fake("call", body))
    assert texts(mock) == [["Hello?"], ["Who is this?"], ["Me again"], ["The police."]]
    assert [block.side for block in mock.blocks] == ["them", "me", "me", "them"]
    # Elsewhere "> " is just text.
    assert texts(mockups.build(fake("sms", "> quoted")))[0] == ["> quoted"]


@pytest.mark.parametrize(
    "line, kind, text, note",
    [
        ("[transfer] ¥5,000 | Deposit", "transfer", "¥5,000", "Deposit"),
        ("[red packet] 恭喜发财", "red_packet", "恭喜发财", ""),
        ("[Red Packet]  Lucky", "red_packet", "Lucky", ""),
        ("[qr] Scan to join", "qr", "Scan to join", ""),
        ("[voice] 0:12 | Call me back", "voice", "0:12", "Call me back"),
        ("[image] Photo of a licence", "image", "Photo of a licence", ""),
    ],
)
def test_chat_cards(line, kind, text, note):
    mock = mockups.build(fake("chat", f"Hi\n{line}"))
    card = mock.blocks[1].card
    assert (card.kind, card.text, card.note) == (kind, text, note)
    assert mock.blocks[0].card is None


def test_unknown_brackets_and_cards_outside_chat_stay_text():
    assert mockups.build(fake("chat", "[sticker] hi")).blocks[0].card is None
    assert mockups.build(fake("sms", "[transfer] ¥5")).blocks[0].card is None


def test_the_qr_drawing_is_stable_has_finder_squares_and_differs_by_caption():
    first = mockups.card("[qr] Join the group")
    again = mockups.card("[qr] Join the group")
    other = mockups.card("[qr] Another group")
    assert first.qr == again.qr and first.qr != other.qr
    dark = set(first.qr)
    for ox, oy in ((0, 0), (14, 0), (0, 14)):
        ring = {(ox + x, oy + y) for x in range(7) for y in (0, 6)}
        assert ring <= dark
        assert (ox + 1, oy + 1) not in dark  # the white ring inside
    assert all(0 <= x < 21 and 0 <= y < 21 for x, y in dark)
    assert first.qr_path.startswith("M0 0h1v1h-1z")


@pytest.mark.parametrize(
    "text, links",
    [
        ("Tap https://refund.example/claim now.", ["https://refund.example/claim"]),
        ("Visit parcel-help.example, today", ["parcel-help.example"]),
        ("打开 http://a.example/x 领取", ["http://a.example/x"]),
        ("登录refund-center.example领取", ["refund-center.example"]),
        ("Write to you@mail.example", []),
        ("No address here. Example: none", []),
        ("(see https://b.example/p?q=1).", ["https://b.example/p?q=1"]),
    ],
)
def test_addresses_look_like_links(text, links):
    found = [piece.text for piece in mockups.pieces(text) if piece.kind == "link"]
    assert found == links
    assert "".join(piece.text for piece in mockups.pieces(text)) == text


def test_details_split_on_the_first_colon_of_either_width():
    pairs = mockups.details(
        "To: you@mail.example\n\n收件人：张*\nTime: 10:02\nNo label here\n"
    )
    assert pairs == [
        ("To", "you@mail.example"),
        ("收件人", "张*"),
        ("Time", "10:02"),
        ("", "No label here"),
    ]
    assert mockups.details("备注：退款: 快") == [("备注", "退款: 快")]


def test_masked_runs():
    assert mockups.masked_runs("138****5678") == [
        ("138", False),
        ("****", True),
        ("5678", False),
    ]
    assert mockups.masked_runs("张*") == [("张", False), ("*", True)]
    assert mockups.masked_runs("plain") == [("plain", False)]


def test_layouts_find_their_own_details_in_either_language():
    job = mockups.build(
        fake(
            "job_post",
            details="Salary: ¥300 a day\nTags: part-time, remote\nContact: Ms Chen",
        )
    )
    assert job.salary == "¥300 a day"
    assert job.tags == ["part-time", "remote"]
    assert job.other_details == [("Contact", "Ms Chen")]
    app = mockups.build(
        fake("app_download", details="需要权限：屏幕共享、短信\n大小：38 MB")
    )
    assert app.permissions == ["屏幕共享", "短信"]
    assert app.other_details == [("大小", "38 MB")]
    mail = mockups.build(fake("email", details="To: you@mail.example"))
    assert mail.recipient == "you@mail.example" and mail.other_details == []


def test_avatar_initial_and_status_bar_clock():
    assert mockups.build(fake("chat", sender="王经理")).initial == "王"
    assert mockups.build(fake("chat", sender=" manager")).initial == "M"
    assert mockups.build(fake("sms", sender="95xxx")).initial == ""
    assert mockups.build(fake("sms", sent_at="Yesterday 21:40")).clock == "21:40"
    assert mockups.build(fake("sms", sent_at="昨天")).clock == "9:41"


def test_money_received_is_a_record_not_a_payment_to_confirm():
    with translation.override("en"):
        paid = mockups.build(fake("payment", sender="XX Mall", subject="+¥129.00"))
        due = mockups.build(fake("payment", sender="Li Ming", subject="¥5,000.00"))
    assert paid.incoming and not due.incoming
    assert paid.summary == (
        "Training example: payment record, from XX Mall, amount +¥129.00:"
    )
    assert "paying Li Ming" in due.summary


def test_web_address_stresses_the_host():
    mock = mockups.build(fake("web", sender="https://refund-center.example/claim"))
    assert mock.address == ("https://", "refund-center.example", "/claim")


# Red-flag segments.


def test_segments_spanning_lines_are_drawn_in_each_and_labelled_once():
    choices = segments("Hi.\nI am ", "the police.\n> OK?\n", "Pay now.", flags={1})
    mock = mockups.build(fake("chat", kind="red_flags"), choices=choices)
    assert texts(mock) == [["Hi."], ["I am ", "the police."], ["OK?"], ["Pay now."]]
    parts = [part for block in mock.blocks for part in block.parts]
    assert [(p.segment, p.first) for p in parts] == [
        (0, True),
        (0, False),
        (1, True),
        (1, False),
        (2, True),
    ]
    # Nothing tells the red flag before the answer.
    assert not any(part.flag for part in parts)
    assert mock.blocks[2].own


def test_segments_across_paragraphs_and_whitespace_between_them():
    choices = segments("Your card is frozen. ", "Tap a.example\n\n", "Reply TD.")
    mock = mockups.build(fake("sms", kind="red_flags"), choices=choices)
    assert texts(mock) == [["Your card is frozen. ", "Tap a.example"], ["Reply TD."]]


def test_a_card_line_is_one_target():
    choices = segments("Pay this.\n", "[transfer] ¥500 | deposit\n", "Thanks")
    mock = mockups.build(fake("chat", kind="red_flags"), choices=choices)
    card_block = mock.blocks[1]
    assert card_block.card.kind == "transfer"
    assert [part.segment for part in card_block.parts] == [1]


def test_the_segments_are_the_message_even_if_the_body_differs():
    # The options' texts are what the learner answers: they draw the message.
    choices = segments("One. ", "Two.")
    mock = mockups.build(fake("sms", body="Stale text", kind="red_flags"), choices)
    assert texts(mock) == [["One. ", "Two."]]


def test_revealed_states_and_the_all_clear():
    choices = segments("A. ", "B. ", "C. ", "D.", flags={0, 1})
    mock = mockups.build(
        fake("sms", kind="red_flags"),
        choices=choices,
        chosen={choices[0], choices[2]},
        reveal=True,
    )
    states = [part.state for part in mock.blocks[0].parts]
    assert states == ["found", "missed", "wrong", ""]
    assert mock.has_flags and not mock.nothing_chosen
    clear = segments("All ", "fine.")
    mock = mockups.build(fake("sms", kind="red_flags"), clear, chosen=(), reveal=True)
    assert mock.nothing_chosen and not mock.has_flags


def test_widgets_attach_to_the_first_part_of_their_segment(db):
    quiz = make_quiz()
    question = make_mock_questions(quiz)["call"]
    choices = list(question.choices.all())
    form = AnswerForm(question, choices)
    mock = mockups.build(question, choices, widgets=list(form["choice"]))
    assert mock.interactive
    for block in mock.blocks:
        for part in block.parts:
            assert part.widget.data["value"] == choices[part.segment].key


# The summary a screen reader hears first.


@pytest.mark.parametrize(
    "fields, expected",
    [
        (
            {"channel": "sms", "sender": "95xxx", "sent_at": "10:02"},
            "Training example: text message from 95xxx at 10:02:",
        ),
        ({"channel": "sms"}, "Training example: text message:"),
        (
            {"channel": "call", "sender": "+86 171", "subject": "Unknown location"},
            "Training example: incoming call from +86 171 (Unknown location):",
        ),
        (
            {"channel": "email", "sender": "a@b.example", "subject": "Hi"},
            "Training example: e-mail from a@b.example, subject “Hi”:",
        ),
        (
            {"channel": "payment", "sender": "Li Ming", "subject": "¥5.00"},
            "Training example: payment screen, paying Li Ming, amount ¥5.00:",
        ),
        (
            {"channel": "web", "sender": "https://x.example", "subject": "Claim"},
            "Training example: web page at https://x.example, titled “Claim”:",
        ),
    ],
)
def test_summary(fields, expected):
    with translation.override("en"):
        assert mockups.build(fake(**fields)).summary == expected


def test_summary_in_simplified_chinese():
    with translation.override("zh-hans"):
        summary = mockups.build(fake("sms", sender="95xxx", sent_at="10:02")).summary
    assert summary.startswith("训练示例") and "95xxx" in summary and "10:02" in summary


# The pages.

CHANNEL_PARTS = {
    "sms": ["mock--sms", "bubble bubble--them", "Text message · 10:02", "95xxx"],
    "call": [
        "call__buttons",
        "Decline",
        "Unknown location",
        "turn turn--me",
        "23 reports of harassment",
    ],
    "chat": [
        "chat-row chat-row--me",
        "card card--transfer",
        "card card--voice",
        "card__qr",
        "Quickly, I&#x27;ll explain later.",
    ],
    "email": [
        "mail__subject",
        "Your mailbox will be closed today",
        "you@mail.example",
        "7 Dec 2026, 08:15",
        '<span class="mock-link">https://mailbox-check.example/login</span>',
    ],
    "job_post": ["job__salary", '<li class="chip">remote</li>', "Ms Chen, QQ 1234xxxx"],
    "courier_slip": [
        "slip__barcode",
        "SX 4402 1870 3315",
        '张<span class="mock__masked">*</span>',
        '138<span class="mock__masked">****</span>5678',
    ],
    "payment": ["pay__figure", "¥50,000.00", "City Commercial Bank", "Confirm payment"],
    "web": [
        "browser__address",
        "<strong>refund-center.example</strong>",
        "Refund centre: claim your compensation",
    ],
    "app_download": [
        "app__icon",
        "SafeMeet Tech Ltd.",
        "<li>screen sharing</li>",
        "Install",
    ],
}


@pytest.fixture
def examples(db):
    return make_mock_questions(make_quiz(slug="mock-ups"))


def page(client, question):
    attempt = attempt_on(client, question)
    return attempt, client.get(f"/en/attempts/{attempt.public_id}/1/")


@pytest.mark.parametrize("channel", list(CHANNEL_PARTS))
def test_each_channel_renders_its_parts(client, examples, channel):
    question = examples[channel]
    _attempt, response = page(client, question)
    assertContains(response, f"mock mock--{channel}")
    assertContains(response, '<p class="mock__watermark" aria-hidden="true">')
    assertContains(response, "Training example")
    assertContains(response, '<figcaption class="visually-hidden">Training example: ')
    for part in CHANNEL_PARTS[channel]:
        assertContains(response, part)
    html = response.content.decode()
    # Drawn addresses are never links.
    mock = html[html.index("<figure") : html.index("</figure>")]
    assert "<a " not in mock and "<button" not in mock


def test_red_flag_segments_are_labelled_checkboxes_inside_the_message(client, examples):
    question = examples["call"]
    _attempt, response = page(client, question)
    html = response.content.decode()
    mock = html[html.index("<figure") : html.index("</figure>")]
    assert mock.count('class="segment__input" type="checkbox"') == len(CALL)
    # The two-line segment labels its checkbox from both turns.
    ids = re.findall(r'<label class="segment[^"]*" for="([^"]+)"', mock)
    assert len(ids) == len(CALL) + 1 and len(set(ids)) == len(CALL)
    assertContains(response, "Nothing here looks suspicious")
    assertContains(response, 'class="option option--nothing"')


def test_before_the_answer_no_channel_hints_at_it(client, examples):
    for channel, question in examples.items():
        attempt, response = page(client, question)
        html = response.content.decode()
        for choice in question.choices.all():
            assert choice.explanation not in html, channel
        for marker in (
            "correct",
            "segment--flag",
            "segment--found",
            "segment--missed",
            "segment--wrong",
            "tag--right",
            "Right answer",
            "Red flag<",
            "(red flag you",
            "mock-legend",
            "mock--revealed",
        ):
            assert marker not in html, (channel, marker)


def answer_with(client, attempt, data):
    return client.post(f"/en/attempts/{attempt.public_id}/1/answer/", data)


def test_feedback_marks_found_missed_and_wrong_parts_with_a_legend(client, examples):
    question = examples["sms"]
    attempt = attempt_on(client, question)
    by_text = {choice.text: choice.key for choice in question.choices.all()}
    data = {"choice": [by_text[SMS[0][0]], by_text[SMS[3][0]]]}
    answer_with(client, attempt, data)
    response = client.get(f"/en/attempts/{attempt.public_id}/1/")
    assertContains(response, "segment segment--found segment--flag", count=1)
    assertContains(response, "segment segment--missed segment--flag", count=2)
    # The harmless part runs over two paragraphs: marked in both.
    assertContains(response, 'class="segment segment--wrong">', count=2)
    assertContains(response, "(red flag you marked)")
    assertContains(response, "(red flag you missed)")
    assertContains(response, "(harmless part you marked)")
    assertContains(response, "Red flag you missed</span>")
    assertNotContains(response, "Nothing here looks suspicious”.")


def test_feedback_says_when_the_learner_chose_nothing(client, db):
    quiz = make_quiz(slug="clear")
    all_clear = make_question(
        quiz,
        kind="red_flags",
        choices=(
            ("Locker 12. ", False, "suspects-any-link"),
            ("Code 4821.", False, "suspects-any-link"),
        ),
    )
    attempt = attempt_on(client, all_clear)
    answer_with(client, attempt, {"nothing": "on"})
    response = client.get(f"/en/attempts/{attempt.public_id}/1/")
    assertContains(response, "You chose “Nothing here looks suspicious”.")
    assertContains(
        response,
        "You chose “Nothing here looks suspicious”. Right: nothing in this message"
        " is a red flag.",
    )
    assertNotContains(response, "segment--flag")


def test_chinese_pages_translate_the_drawn_parts(client, examples):
    attempt = attempt_on(client, examples["call"])
    Attempt.objects.filter(pk=attempt.pk).update(language="zh-hans")
    response = client.get(f"/zh-hans/attempts/{attempt.public_id}/1/")
    assertContains(response, "训练示例")
    assertContains(response, "来电")


def test_a_question_without_a_channel_has_no_mock(client, db):
    quiz = make_quiz(slug="plain")
    question = make_question(quiz)
    _attempt, response = page(client, question)
    assertNotContains(response, "<figure")
    assertNotContains(response, "question--mock")


# The result's bias verdict (content.md, defect 2).


def finish_with(client, quiz, verdicts):
    """Answer scam-or-legit items, each (is a scam, said scam); finish."""
    questions = [
        make_question(quiz, kind="scam_or_legit", is_scam=is_scam)
        for is_scam, _said in verdicts
    ]
    attempt = attempt_on(client, *questions)
    for position, (question, (_is_scam, said_scam)) in enumerate(
        zip(questions, verdicts, strict=True), start=1
    ):
        wanted = "Scam" if said_scam else "Legit"
        key = question.choices.get(text=wanted).key
        client.post(
            f"/en/attempts/{attempt.public_id}/{position}/answer/", {"choice": key}
        )
    client.post(f"/en/attempts/{attempt.public_id}/finish/")
    assert Answer.objects.filter(attempt=attempt, answered_at__isnull=True).count() == 0
    return client.get(f"/en/attempts/{attempt.public_id}/")


def test_no_bias_verdict_without_a_genuine_message(client, db):
    # The verdict bug: all scams, all called scams, and yet "you tend to
    # suspect genuine messages" (c came from a legit rate the learner never
    # had a chance to earn).
    response = finish_with(client, make_quiz(slug="scams"), [(True, True)] * 6)
    assertContains(response, "You caught 6 of 6 scams.")
    assertNotContains(response, "doubt genuine messages")
    assertNotContains(response, "neither too trusting")
    assertNotContains(response, "trust messages that are scams")
    assertContains(response, "so far they hold 6 and 0.")


def test_no_bias_verdict_without_a_scam(client, db):
    response = finish_with(client, make_quiz(slug="legits"), [(False, True)] * 5)
    assertContains(response, "You doubted 5 of 5 genuine messages.")
    assertNotContains(response, "You caught")
    assertNotContains(response, "you tend to")


def test_no_bias_verdict_from_a_handful(client, db):
    response = finish_with(
        client,
        make_quiz(slug="few"),
        [(True, True), (True, True), (False, True), (False, True)],
    )
    assertContains(
        response, "You caught 2 of 2 scams and doubted 2 of 2 genuine messages."
    )
    assertNotContains(response, "you tend to")


def test_learner_pages_show_no_statistics_symbols(client, db):
    response = finish_with(
        client, make_quiz(slug="symbols"), [(True, True)] * 4 + [(False, True)] * 4
    )
    assertContains(response, "you tend to doubt genuine messages too")
    for symbol in ("d′", "bias c", "sensitivity"):
        assertNotContains(response, symbol)


def test_the_bias_verdict_pools_the_learners_attempts(client, db):
    first = finish_with(
        client, make_quiz(slug="part-1"), [(True, True)] * 2 + [(False, True)] * 2
    )
    assertNotContains(first, "you tend to")
    second = finish_with(
        client, make_quiz(slug="part-2"), [(True, True)] * 2 + [(False, True)] * 2
    )
    # This attempt's counts, the verdict from all eight answers.
    assertContains(
        second, "You caught 2 of 2 scams and doubted 2 of 2 genuine messages."
    )
    assertContains(second, "you tend to doubt genuine messages too")


def test_one_scam_and_one_genuine_message_read_in_the_singular(client, db):
    response = finish_with(
        client, make_quiz(slug="one"), [(True, False), (False, False)]
    )
    assertContains(
        response, "You caught 0 of 1 scam and doubted 0 of 1 genuine message."
    )


def test_a_balanced_learner_is_told_so(client, db):
    response = finish_with(
        client,
        make_quiz(slug="balanced"),
        [(True, True)] * 3 + [(True, False)] + [(False, False)] * 3 + [(False, True)],
    )
    assertContains(response, "neither too trusting nor too suspicious")


def test_channels_in_the_model_all_have_a_template():
    from django.template.loader import get_template

    for channel in Question.Channel.values:
        get_template(f"quizzes/mock/{channel}.html")


def test_chinese_feedback_has_no_space_between_sentences(client, examples):
    question = examples["sms"]
    attempt = attempt_on(client, question)
    Attempt.objects.filter(pk=attempt.pk).update(language="zh-hans")
    key = question.choices.get(text=SMS[0][0]).key
    client.post(f"/zh-hans/attempts/{attempt.public_id}/1/answer/", {"choice": key})
    html = client.get(f"/zh-hans/attempts/{attempt.public_id}/1/").content.decode()
    cues = re.search(r'class="review__cues">(.*?)</p>', html, re.S)[1].strip()
    assert not re.search(r"。\s", cues) and "3" in cues
    english = client.get(f"/en/attempts/{attempt.public_id}/1/")
    assertContains(english, "red flags. You marked")


def test_the_pooled_verdict_takes_the_same_queries_however_many_attempts(client, db):
    from .factories import count_queries

    def result_queries():
        latest = Attempt.objects.latest("started_at")
        return count_queries(lambda: client.get(f"/en/attempts/{latest.public_id}/"))

    finish_with(client, make_quiz(slug="pool-0"), [(True, True), (False, False)])
    few = result_queries()
    for n in range(1, 4):
        finish_with(client, make_quiz(slug=f"pool-{n}"), [(True, True)] * 3)
    assert result_queries() == few

"""One made-up question per mock-up channel, for tests and screenshots.

Fictional senders, .example domains and masked numbers only, as in the
content. Red-flag items join their segments into the message; some
segments cover several lines, and a chat card is one segment.
"""

from quizzes.models import Question

from .factories import make_question

SMS = (
    ("[Card centre] Your card ending 4821 has been frozen. ", True, ""),
    ("Tap https://card-unfreeze.example/verify ", True, ""),
    ("and enter the code we text you ", True, ""),
    ("within 30 minutes.\n\nReply TD to unsubscribe.", False, "suspects-any-link"),
)

CALL = (
    ("Hello, is that Ms Wang?\n", False, "knows-my-details"),
    (
        "This is Officer Li of the city police.\n"
        "Your ID card is linked to a money-laundering case.\n",
        True,
        "",
    ),
    ("> What? I have done nothing wrong.\n", False, "obeys-authority"),
    ("To clear your name, move your savings into a safe account today,\n", True, ""),
    ("and don't tell anyone, not even your family.", True, ""),
)

CHAT = (
    ("Are you in the office?\n> Not yet, on my way.\n", False, "trusts-familiar-face"),
    ("I'm with a client and can't talk. Pay this deposit for me now.\n", True, ""),
    ("[transfer] ¥48,000.00 | Contract deposit\n", True, ""),
    ("[voice] 0:08 | Quickly, I'll explain later.\n", True, ""),
    ("[qr] Scan to add the client's finance officer", True, ""),
)

JOB = (
    ("Review products from home in your spare time. ", False, "suspects-any-link"),
    ("Pay a ¥199 training fee first to unlock tasks.\n\n", True, ""),
    ("Daily pay, guaranteed. ", True, ""),
    ("Apply through the app.", False, "suspects-any-link"),
)

WEB = (
    ("Your order was lost by the courier. ", False, "knows-my-details"),
    ("Claim double compensation within 2 hours.\n\n", True, ""),
    ("Enter your bank card number, password and the code we send you.", True, ""),
)


def make_mock_questions(quiz):
    """Return {channel: question}, one published mock-up per channel."""
    made = {}
    made["sms"] = make_question(
        quiz,
        kind="red_flags",
        choices=SMS,
        channel="sms",
        sender="95xxx",
        sent_at="10:02",
        prompt="Mark the red flags in this text message.",
    )
    made["call"] = make_question(
        quiz,
        kind="red_flags",
        choices=CALL,
        channel="call",
        sender="+86 171 xxxx 0193",
        subject="Unknown location",
        details="Marked: 23 reports of harassment",
        sent_at="14:20",
        prompt="Mark the red flags in this call.",
    )
    made["chat"] = make_question(
        quiz,
        kind="red_flags",
        choices=CHAT,
        channel="chat",
        sender="Manager Zhang",
        sent_at="Yesterday 21:40",
        prompt="Your manager writes. Mark the red flags.",
    )
    made["email"] = make_question(
        quiz,
        kind="scam_or_legit",
        is_scam=True,
        channel="email",
        sender="service@mailbox-check.example",
        subject="Your mailbox will be closed today",
        sent_at="7 Dec 2026, 08:15",
        details="To: you@mail.example",
        body=(
            "Dear user,\n\nYour mailbox storage is full. Sign in at "
            "https://mailbox-check.example/login within 24 hours to keep your "
            "messages.\n\nMail team"
        ),
        prompt="You get this e-mail. Scam or legit?",
    )
    made["job_post"] = make_question(
        quiz,
        kind="red_flags",
        choices=JOB,
        channel="job_post",
        sender="Starlight Media",
        subject="Part-time product reviewer",
        sent_at="Posted today",
        details=(
            "Salary: ¥300–500 a day\nTags: part-time, remote, no experience\n"
            "Contact: Ms Chen, QQ 1234xxxx"
        ),
        prompt="Mark the red flags in this job post.",
    )
    made["courier_slip"] = make_question(
        quiz,
        kind="scam_or_legit",
        is_scam=False,
        channel="courier_slip",
        sender="Swift Express",
        subject="SX 4402 1870 3315",
        sent_at="2026-12-05",
        details=(
            "Recipient: 张*\nPhone: 138****5678\n"
            "Address: Room 1203, Building 5, Xx Road\nFrom: Online shop No. 88"
        ),
        body="Handle with care.",
        prompt="A parcel slip in your recycling. Safe to throw away as it is?",
    )
    made["payment"] = make_question(
        quiz,
        kind="single",
        skill=Question.Skill.ACT,
        choices=(
            ("Stop, and call 96110 to check.", True),
            ("Confirm: the police asked for it.", False, "obeys-authority"),
        ),
        channel="payment",
        sender="Li Ming",
        subject="¥50,000.00",
        sent_at="Today 15:31",
        details=(
            "Account: 6222 **** **** 1024\nBank: City Commercial Bank\nNote: fund check"
        ),
        body="A transfer cannot be called back once you confirm it.",
        prompt="A caller told you to move your savings here. What do you do?",
    )
    made["web"] = make_question(
        quiz,
        kind="red_flags",
        choices=WEB,
        channel="web",
        sender="https://refund-center.example/claim",
        subject="Refund centre: claim your compensation",
        prompt="A link took you here. Mark the red flags.",
    )
    made["app_download"] = make_question(
        quiz,
        kind="scam_or_legit",
        is_scam=True,
        channel="app_download",
        sender="SafeMeet Tech Ltd.",
        subject="SafeMeet",
        details="Size: 38 MB\nAsks for: screen sharing, SMS, contacts\nVersion: 2.1.0",
        body=(
            "The meeting app for your refund call. Install it and share your "
            "screen so that our agent can help you."
        ),
        prompt="The 'refund agent' sends you this page. Scam or legit?",
    )
    return made


def attempt_on(client, *questions, key="mock-learner"):
    """Start an attempt on these questions for the test client's session."""
    from quizzes.models import LEARNER_SESSION_KEY, Answer, Attempt

    session = client.session
    session[LEARNER_SESSION_KEY] = key
    session.save()
    attempt = Attempt.objects.create(
        quiz=questions[0].quiz, learner_key=key, seed=1, language="en"
    )
    for position, question in enumerate(questions, start=1):
        Answer.objects.create(attempt=attempt, question=question, position=position)
    return attempt

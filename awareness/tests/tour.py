"""A tour of every page type the public site has, in every state that matters.

The accessibility checks (in a browser) and the third-party-origin check
(with the test client) both walk it. The learner's states are made the way
a learner makes them, through the site with the test client, so the tour
shows what real pages show. `test_tour_covers_every_page` fails when a new
URL appears that the tour does not visit.
"""

import datetime
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from awareness.models import CaseStudy, Guide, PrecautionTip
from quizzes.models import Answer, Attempt, Question, Quiz, ReviewItem

PASSWORD = "a-long-tour-password"


@dataclass(frozen=True)
class Page:
    name: str
    url: str
    # Who looks: "visitor" (no cookies), "learner" (anonymous progress),
    # "member" (signed in, with progress) or "joiner" (signed in on a
    # browser with anonymous progress).
    who: str = "visitor"
    status: int = 200


@dataclass
class Tour:
    pages: list = field(default_factory=list)
    clients: dict = field(default_factory=dict)
    # The URL names the tour visits, for the coverage check.
    url_names: set = field(default_factory=set)

    def add(self, name, url_name, *args, who="visitor", status=200, query=""):
        url = reverse(url_name, args=args) + query
        self.pages.append(Page(name, url, who, status))
        self.url_names.add(url_name)

    def session_cookie(self, who):
        cookie = self.clients[who].cookies.get("sessionid")
        return cookie.value if cookie else None


def start(client, quiz, *, first_kind=None):
    """Start an attempt through the site; put a question of a kind first."""
    client.post(reverse("quizzes:quiz_start", args=[quiz.slug]))
    attempt = Attempt.objects.latest("started_at")
    if first_kind:
        wanted = quiz.questions.filter(kind=first_kind).first()
        first = attempt.answers.get(position=1)
        drawn = attempt.answers.filter(question=wanted).first()
        if drawn is None:
            Answer.objects.filter(pk=first.pk).update(question=wanted)
        elif drawn.pk != first.pk:
            Answer.objects.filter(pk=drawn.pk).update(position=0)
            Answer.objects.filter(pk=first.pk).update(position=drawn.position)
            Answer.objects.filter(pk=drawn.pk).update(position=1)
    return attempt


def answer(client, attempt, position, *, right):
    """Answer one question through the site, all right or all wrong."""
    question = attempt.answers.get(position=position).question
    keys = [c.key for c in question.choices.all() if c.is_correct == right]
    if not question.allows_many:
        keys = keys[:1]
    data = {"choice": keys}
    if question.kind == Question.Kind.RED_FLAGS and not keys:
        # An all-clear message: the right answer is "nothing suspicious".
        data = {"nothing": "on"}
    client.post(reverse("quizzes:answer", args=[attempt.public_id, position]), data)


def take(client, attempt, *, right=lambda position: position % 2, finish=True):
    for position in range(1, attempt.answers.count() + 1):
        answer(client, attempt, position, right=bool(right(position)))
    if finish:
        client.post(reverse("quizzes:attempt_finish", args=[attempt.public_id]))


def build_tour(language=None):
    """Load the real content and return the tour of the site's page types.

    URLs are built in the given language, so they carry its prefix once
    the site has language prefixes.
    """
    with translation.override(language or settings.LANGUAGE_CODE):
        return _build_tour()


def _build_tour():
    call_command("load_content", verbosity=0)
    tour = Tour(clients={"visitor": Client(), "learner": Client()})
    case_study = CaseStudy.objects.published().first()
    tip = PrecautionTip.objects.published().first()
    guide = Guide.objects.published().first()
    quizzes = Quiz.objects.published()
    immediate = quizzes.filter(
        feedback=Quiz.Feedback.IMMEDIATE,
        questions__kind=Question.Kind.RED_FLAGS,
    ).first()
    at_the_end = quizzes.filter(feedback=Quiz.Feedback.END).first()

    add = tour.add
    add("home", "home")
    add("case study list", "case_study_list")
    add("case study", "case_study_detail", case_study.slug)
    add("chain", "chain")
    add("tip list", "tip_list")
    add("tip", "tip_detail", tip.slug)
    add("tip leaflet", "tip_leaflet", tip.slug)
    add("case study leaflet", "case_study_leaflet", case_study.slug)
    add("guide", "guide_detail", guide.slug)
    add("search form", "search")
    add("search results", "search", query="?q=courier")
    add("search without results", "search", query="?q=zzzzqqq")
    add("about", "about")
    add("privacy notice", "privacy")
    add("easy read", "easy_read")
    add("quiz list", "quizzes:quiz_list")
    add("quiz", "quizzes:quiz_detail", immediate.slug)
    add("empty progress", "quizzes:progress")
    add("empty review queue", "quizzes:review")
    add("sign in", "accounts:login")
    add("sign up", "accounts:signup")
    add("password reset", "accounts:password_reset")
    add("password reset sent", "accounts:password_reset_done")
    add(
        "password reset with a spent link",
        "accounts:password_reset_confirm",
        "MQ",
        "spent-token",
    )
    add("password reset done", "accounts:password_reset_complete")
    add("your data, nothing held", "accounts:my_data")
    add("forget me, nothing held", "accounts:forget")
    add("forgotten", "accounts:forgotten")
    add("account deleted", "accounts:deleted")
    tour.pages.append(Page("not found", reverse("home") + "no-such-page/", status=404))

    learner = tour.clients["learner"]
    for kind in Question.Kind:
        quiz = quizzes.filter(
            feedback=Quiz.Feedback.IMMEDIATE, questions__kind=kind
        ).first()
        unanswered = start(learner, quiz, first_kind=kind)
        add(
            f"{kind.label} question",
            "quizzes:question",
            unanswered.public_id,
            1,
            who="learner",
        )
        answered = start(learner, quiz, first_kind=kind)
        answer(learner, answered, 1, right=kind != Question.Kind.RED_FLAGS)
        add(
            f"{kind.label} feedback",
            "quizzes:question",
            answered.public_id,
            1,
            who="learner",
        )
    add("quiz to resume", "quizzes:quiz_detail", immediate.slug, who="learner")

    saved = start(learner, at_the_end)
    answer(learner, saved, 1, right=True)
    add(
        "answer saved for the end",
        "quizzes:question",
        saved.public_id,
        1,
        who="learner",
    )
    unfinished = start(learner, at_the_end)
    take(learner, unfinished, finish=False)
    add("all answered", "quizzes:attempt_detail", unfinished.public_id, who="learner")

    finished = start(learner, immediate)
    take(learner, finished)
    add("result", "quizzes:attempt_detail", finished.public_id, who="learner")
    add(
        "result, mistakes only",
        "quizzes:attempt_detail",
        finished.public_id,
        who="learner",
        query="?show=mistakes",
    )
    scam_result = start(learner, immediate, first_kind=Question.Kind.SCAM_OR_LEGIT)
    take(learner, scam_result, right=lambda position: True)
    add(
        "result, all right",
        "quizzes:attempt_detail",
        scam_result.public_id,
        who="learner",
    )

    add("review queue, nothing due", "quizzes:review", who="learner")
    ReviewItem.objects.update(due_at=timezone.now() - datetime.timedelta(minutes=1))
    add("review queue, due", "quizzes:review", who="learner")
    learner.post(reverse("quizzes:review_calendar_link"), {"action": "renew"})
    add("review queue, with a calendar link", "quizzes:review", who="learner")
    learner.post(reverse("quizzes:review_start"))
    review = Attempt.objects.latest("started_at")
    add("review question", "quizzes:question", review.public_id, 1, who="learner")
    learner.get(case_study.get_absolute_url())
    learner.get(tip.get_absolute_url())
    add("progress", "quizzes:progress", who="learner")
    add("home, with progress", "home", who="learner")
    add("quizzes, with progress", "quizzes:quiz_list", who="learner")
    back = reverse("quizzes:question", args=[finished.public_id, 1])
    add(
        "tip, opened from feedback",
        "tip_detail",
        tip.slug,
        who="learner",
        query="?" + urlencode({"back": f"{back}#feedback"}),
    )
    add("your data, anonymous", "accounts:my_data", who="learner")
    add("forget me", "accounts:forget", who="learner")

    member = tour.clients["member"] = Client()
    user = get_user_model().objects.create_user(
        "member", email="member@example.org", password=PASSWORD
    )
    member.force_login(user)
    take(member, start(member, immediate))
    add("progress, signed in", "quizzes:progress", who="member")
    add("your data, signed in", "accounts:my_data", who="member")
    add("correct your details", "accounts:details", who="member")
    add("change password", "accounts:password_change", who="member")
    add("password changed", "accounts:password_change_done", who="member")
    add("delete your account", "accounts:delete", who="member")

    # Signed in on a browser that holds anonymous progress: asked about it.
    joiner = tour.clients["joiner"] = Client()
    take(joiner, start(joiner, immediate))
    get_user_model().objects.create_user("joiner", password=PASSWORD)
    joiner.post(reverse("accounts:login"), {"username": "joiner", "password": PASSWORD})
    add("progress from before signing in", "accounts:join_progress", who="joiner")

    # What a learner passes on and proves.
    from certificates.models import Certificate
    from challenges.models import Challenge

    add("links passed on, none", "challenges:mine", who="learner")
    learner.post(
        reverse("challenges:create", args=[finished.public_id]),
        {"message": "Try this before you answer the next call"},
    )
    challenge = Challenge.objects.get()
    add("links passed on", "challenges:mine", who="learner")
    add("passed-on link, opened", "challenges:open", challenge.token)
    add("passed-on link, gone", "challenges:open", "no-such-link", status=404)
    certificate = Certificate.objects.create(
        code="7KQ2M9XD4TB0",
        quiz=finished.quiz,
        attempt=finished,
        issued_on=timezone.localdate(),
    )
    add("certificate", "certificates:detail", certificate.code, who="learner")
    add("check a certificate", "certificates:verify_form")
    add("certificate checked", "certificates:verify", certificate.code)
    add("certificate not found", "certificates:verify", "0000", status=404)

    # Simulations: the test one until the real files land.
    from simulations.tests.factories import load_over_real_content, paths_to_endings

    simulation = load_over_real_content()
    add("simulation list", "simulations:list")
    add("simulation", "simulations:detail", simulation.slug)
    paths = paths_to_endings(simulation)
    unsafe = max(paths.values(), key=len)
    # One turn in, so that the runs started after it are runs of their own.
    step = play_simulation(learner, simulation, unsafe[:1])
    add("simulation step", "simulations:run", step.public_id, who="learner")
    add("simulation to resume", "simulations:detail", simulation.slug, who="learner")
    scammed = play_simulation(learner, simulation, unsafe, confidence="3")
    add("simulation debrief", "simulations:debrief", scammed.public_id, who="learner")
    safe = min(paths.values(), key=len)
    play_simulation(learner, simulation, safe)
    add("progress with simulations", "quizzes:progress", who="learner")

    # Tracks: a learner of their own, who takes a track's pre-check.
    from tracks.models import Track

    track = Track.objects.published().first()
    add("track list", "tracks:track_list")
    add("track", "tracks:track_detail", track.slug)
    tracker = tour.clients["tracker"] = Client()
    tracker.post(reverse("tracks:check_start", args=[track.slug]), {"stage": "pre"})
    check = Attempt.objects.latest("started_at")
    add("check question", "quizzes:question", check.public_id, 1, who="tracker")
    take(tracker, check)
    add("track with a check taken", "tracks:track_detail", track.slug, who="tracker")
    add("home with a track", "home", who="tracker")
    add("progress with a track", "quizzes:progress", who="tracker")
    return tour


def play_simulation(client, simulation, choices, confidence=""):
    """Start a run through the site and make the choices; return the run."""
    from simulations.models import Run

    client.post(reverse("simulations:start", args=[simulation.slug]))
    run = Run.objects.latest("started_at")
    for position, choice in enumerate(choices, start=1):
        client.post(
            reverse("simulations:choose", args=[run.public_id, position]),
            {"choice": run.option_value(choice), "confidence": confidence},
        )
    run.refresh_from_db()
    return run


# URL names that are no page of their own: POST-only actions, redirects and
# machine-readable files. Each is exercised elsewhere.
NOT_PAGES = {
    "quizzes:quiz_start",
    "quizzes:answer",
    "quizzes:attempt_finish",
    "quizzes:review_start",
    "simulations:start",
    "simulations:choose",
    "tracks:check_start",
    # Redirects a finished check to its track.
    "tracks:check_result",
    "certificates:issue",
    "challenges:create",
    "challenges:delete",
    # PNG link previews, checked in awareness/tests/test_views.py.
    "share_image",
    "share_image_home",
    "quizzes:review_calendar_link",
    # Calendar files (text/calendar), tested in quizzes/tests.
    "quizzes:review_reminder",
    "quizzes:review_calendar",
    "accounts:logout",
    "accounts:export_data",
    "robots_txt",
    "manifest",
    "healthz",
    "django.contrib.sitemaps.views.sitemap",
}

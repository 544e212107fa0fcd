import hashlib
from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.models import AnonymousUser
from django.db.models import (
    Count,
    Max,
    Prefetch,
    Q,
    prefetch_related_objects,
)
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import condition, require_POST, require_safe

from awareness.addresses import client_ip, network
from awareness.page_cache import cache_public_page
from awareness.throttle import hit, pseudonym, rate_limit, too_many_requests

from . import confidence as certainty, dashboard, review as review_cards
from .forms import AnswerForm
from .mastery import MIN_ANSWERS, overall, topic_mastery
from .models import (
    Answer,
    Attempt,
    Choice,
    Question,
    Quiz,
    Reading,
    ReviewCalendar,
    ReviewItem,
    learner_key,
    learner_rows,
)
from .signal_detection import MIN_EACH_FOR_BIAS, discernment, pooled
from .trend import score_trend

# A result with more answers than this folds them away behind a summary.
ANSWERS_SHOWN_OPEN = 5

# A refused answer, kept from its post for the page the redirect opens.
DRAFT_SESSION_KEY = "answer_draft"

# What feedback reads of the pages a question links to: titles, not texts.
TEACHING = tuple(f"question__{name}" for name in Question.TEACHING_PAGES)
TEACHING_TEXTS = Question.teaching_pages_texts(prefix="question__")


def keep_progress(request):
    """Renew an anonymous learner's session, and so their progress, on use.

    The session lives as long as anonymous progress is kept after the last
    quiz activity (settings.ANONYMOUS_PROGRESS_DAYS), so that what the
    cleanup command deletes is exactly what nobody can reach any more.
    """
    if not request.user.is_authenticated:
        request.session.set_expiry(settings.ANONYMOUS_PROGRESS_DAYS * 24 * 60 * 60)


def learner_attempts(request):
    return Attempt.objects.for_learner(request.user, learner_key(request))


def get_attempt(request, public_id):
    # Someone else's attempt is a 404, never a 403: its existence is private.
    return get_object_or_404(
        learner_attempts(request).select_related("quiz"), public_id=public_id
    )


def learner_etag(request, *state):
    """Return the ETag of a learner's own page in this state, or None.

    A reload or a visit with the back button sends it again, and gets a 304
    without the page being made again while nothing in it changed: not the
    learner's rows (`state`), not who is asking, not the CSRF cookie that
    the page's forms were made for. A page with a message waiting is made
    again, to show the message.
    """
    if len(messages.get_messages(request)):
        return None
    who = request.user.pk if request.user.is_authenticated else learner_key(request)
    parts = (
        str(who),
        request.COOKIES.get(settings.CSRF_COOKIE_NAME, ""),
        request.get_full_path(),
        *map(str, state),
    )
    return f'"{hashlib.sha256(chr(0).join(parts).encode()).hexdigest()[:32]}"'


@require_safe
@cache_public_page
def quiz_list(request):
    quizzes = list(Quiz.objects.visible_to(request.user).with_question_count())
    board = dashboard.for_learner(request.user, learner_key(request))
    return render(
        request,
        "quizzes/quiz_list.html",
        {
            "quizzes": board.annotate(quizzes),
            "board": board,
            "suggested": board.suggest(quizzes) if board.has_progress else None,
        },
    )


@require_safe
def quiz_detail(request, slug):
    quiz = get_object_or_404(
        Quiz.objects.visible_to(request.user).with_question_count(),
        slug=slug,
    )
    unfinished = learner_attempts(request).unfinished().filter(quiz=quiz).first()
    return render(
        request,
        "quizzes/quiz_detail.html",
        {
            "quiz": quiz,
            "unfinished": unfinished,
            "cbm_marks": certainty.marks_table()
            if quiz.certainty_based_marking
            else [],
        },
    )


@require_POST
@rate_limit(per_client="start", per_network="start-ip")
def quiz_start(request, slug):
    quiz = get_object_or_404(Quiz.objects.visible_to(request.user), slug=slug)
    if not quiz.questions.published().exists():
        messages.error(request, _("This quiz has no questions yet."))
        return redirect(quiz)
    attempt = Attempt.objects.start(
        quiz=quiz,
        user=request.user,
        learner_key=learner_key(request, create=True),
        language=get_language() or "",
    )
    keep_progress(request)
    return redirect(question_url(attempt, 1))


def question_url(attempt, position, fragment=""):
    url = reverse("quizzes:question", args=[attempt.public_id, position])
    return f"{url}#{fragment}" if fragment else url


def current_position(attempt):
    """Return the position of the first unanswered question, or None."""
    return (
        attempt.answers.filter(answered_at__isnull=True)
        .values_list("position", flat=True)
        .first()
    )


def result_etag(request, public_id):
    finished = (
        Attempt.objects.filter(public_id=public_id, completed_at__isnull=False)
        .values_list("completed_at", flat=True)
        .first()
    )
    if not finished:
        return None
    # The page's "what next" changes when another quiz is finished or a
    # review comes due: either makes the page again.
    key = learner_key(request)
    latest = (
        Attempt.objects.for_learner(request.user, key)
        .finished()
        .aggregate(latest=Max("completed_at"))["latest"]
    )
    due = ReviewItem.objects.for_learner(request.user, key).live().due().count()
    # Whose result it is, the view checks; the ETag says who asks.
    return learner_etag(request, public_id, finished, latest, due)


@require_safe
@condition(etag_func=result_etag)
def attempt_detail(request, public_id):
    if request.user.has_perm("quizzes.view_learner_progress"):
        # Staff with this permission may read any result, never change it.
        attempt = get_object_or_404(
            Attempt.objects.select_related("quiz"), public_id=public_id
        )
    else:
        attempt = get_attempt(request, public_id)
    if not attempt.is_finished:
        position = current_position(attempt)
        if position is not None:
            return redirect(question_url(attempt, position))
        return render(request, "quizzes/attempt_finish.html", {"attempt": attempt})
    if attempt.is_check:
        # A check's result belongs with its track, which reads it before and
        # after: the track app shows it.
        return redirect("tracks:check_result", public_id=attempt.public_id)
    answers = (
        attempt.answers.select_related(*TEACHING)
        .defer(*TEACHING_TEXTS)
        .prefetch_related(
            Prefetch("question__choices", queryset=Choice.objects.all()), "choices"
        )
    )
    answers = list(answers)
    if request.GET.get("show") == "mistakes":
        shown = [answer for answer in answers if not answer.is_correct]
    else:
        shown = answers
    return render(
        request,
        "quizzes/attempt_detail.html",
        {
            "attempt": attempt,
            "answers": shown,
            "correct_count": sum(answer.is_correct for answer in answers),
            "total": len(answers),
            "only_mistakes": shown is not answers,
            "answers_open": shown is not answers or len(shown) <= ANSWERS_SHOWN_OPEN,
            **what_next(request, attempt, answers),
            "back_url": attempt.get_absolute_url(),
            **discernment_context(attempt, answers),
            **certainty.result_figures(answers, cbm=attempt.uses_cbm),
        },
    )


def what_next(request, attempt, answers):
    """Return where the result page sends the learner on to.

    The next quiz not yet finished, the pages that teach what was missed
    (read with the answers already), and how many review cards are due,
    counted as the review page counts them.
    """
    if (
        request.user.has_perm("quizzes.view_learner_progress")
        and attempt.user_id != request.user.pk
    ):
        # Staff reading a learner's result: their own next steps are no help.
        return {"next_quiz": None, "missed_pages": [], "due_reviews": 0}
    missed = {}
    for answer in answers:
        if not answer.is_correct:
            for page in answer.question.teaches():
                missed.setdefault((type(page), page.pk), page)
    next_quiz = None
    if attempt.quiz_id and not attempt.is_review:
        next_quiz = (
            Quiz.objects.published()
            .not_finished_by(request.user, learner_key(request))
            .next_after(attempt.quiz)
        )
    cards = review_cards.cards_for(request.user, learner_key(request))
    due_reviews = len(review_cards.due(cards))
    return {
        "next_quiz": next_quiz,
        "missed_pages": list(missed.values()),
        "due_reviews": due_reviews,
    }


def discernment_context(attempt, answers):
    """Return this attempt's scam-or-legit counts, and the learner's pooled ones.

    One query, and only when the attempt held a scam-or-legit item: the
    bias verdict reads every answer of the attempt's learner.
    """
    counts = discernment(answers)
    if counts is None:
        return {"discernment": None}
    if attempt.user_id:
        mine = Q(attempt__user_id=attempt.user_id)
    elif attempt.learner_key:
        mine = Q(attempt__user=None, attempt__learner_key=attempt.learner_key)
    else:
        mine = Q(attempt=attempt)
    return {
        "discernment": counts,
        "pooled_discernment": pooled(Answer.objects.filter(mine)),
        "min_each": MIN_EACH_FOR_BIAS,
    }


def find_answer(request, public_id, position):
    """Return the learner's answer at this position, or None.

    Also sets on it the number of questions (`total`) and whether an
    earlier one is still unanswered (`waiting`). Two plain queries: the
    answer with its attempt, quiz and question, then where the attempt's
    answers stand; one query with subqueries for both took Django longer to
    build than the two. Someone else's attempt is a 404, never a 403: its
    existence is private.
    """
    mine = learner_rows(request.user, learner_key(request), prefix="attempt__")
    try:
        if mine is None:
            raise Answer.DoesNotExist
        answer = Answer.objects.select_related("attempt__quiz", "question").get(
            mine, attempt__public_id=public_id, position=position
        )
    except Answer.DoesNotExist:
        get_attempt(request, public_id)
        return None
    states = Answer.objects.filter(attempt_id=answer.attempt_id).values_list(
        "position", "answered_at"
    )
    answer.total = 0
    answer.waiting = False
    for other, answered_at in states:
        answer.total += 1
        answer.waiting |= other < position and answered_at is None
    return answer


def question_etag(request, public_id, position):
    answer = find_answer(request, public_id, position)
    if answer is None:
        return None
    # The view shows this same answer: it need not be read twice.
    request.found_answer = answer
    if DRAFT_SESSION_KEY in request.session:
        # A refused answer waits to be shown: the page is made again.
        return None
    return learner_etag(
        request, answer.answered_at, answer.attempt.completed_at, answer.waiting
    )


@require_safe
@condition(etag_func=question_etag)
def question(request, public_id, position):
    answer = getattr(request, "found_answer", None) or find_answer(
        request, public_id, position
    )
    if answer is None:
        raise Http404("No such question in this attempt.")
    attempt = answer.attempt
    if not answer.is_answered and answer.waiting:
        return redirect(question_url(attempt, current_position(attempt)))
    draft = request.session.pop(DRAFT_SESSION_KEY, None)
    if draft and draft.get("answer") == answer.pk and not answer.is_answered:
        return render_question(request, attempt, answer, draft=draft["data"])
    return render_question(request, attempt, answer)


def keep_draft(request, answer, form):
    """Keep a refused answer for the question page that the redirect opens.

    Only the form's own fields are kept, each cut to as many values as the
    question has options, so a crafted post cannot grow the session.
    """
    limit = len(form.by_key) + 1
    request.session[DRAFT_SESSION_KEY] = {
        "answer": answer.pk,
        "data": {
            name: [value[:64] for value in form.data.getlist(name)[:limit]]
            for name in form.fields
            if name in form.data
        },
    }


def render_question(
    request, attempt, answer, form=None, status=200, chosen=None, draft=None
):
    show_feedback = answer.is_answered and attempt.gives_immediate_feedback
    if show_feedback:
        # The pages that teach the question are linked from the feedback
        # alone, so only an answered question reads them, and only their
        # titles.
        answer.question = (
            Question.objects.select_related(*Question.TEACHING_PAGES)
            .defer(*Question.teaching_pages_texts())
            .get(pk=answer.question_id)
        )
    if chosen is None and answer.is_answered:
        prefetch_related_objects([answer], "question__choices", "choices")
        chosen = set(answer.choices.all())
    else:
        prefetch_related_objects([answer], "question__choices")
    choices = attempt.shuffled_choices(answer.question)
    if form is None and not answer.is_answered:
        data = None
        if draft is not None:
            data = QueryDict(mutable=True)
            for name, values in draft.items():
                data.setlist(name, values)
        form = AnswerForm(
            answer.question, choices, data=data, certainty_required=attempt.uses_cbm
        )
        if data is not None:
            form.is_valid()
    total = answer.total
    return render(
        request,
        "quizzes/question.html",
        {
            "attempt": attempt,
            "answer": answer,
            "question": answer.question,
            "choices": choices,
            "chosen": chosen or set(),
            "form": form,
            "total": total,
            "is_last": answer.position == total,
            "show_feedback": show_feedback,
            # "Learn more" pages link back to this feedback.
            "back_url": question_url(attempt, answer.position, "feedback"),
        },
        status=status,
    )


@require_POST
@rate_limit(per_client="answer", per_network="answer-ip")
def answer_question(request, public_id, position):
    # Answering is the one write that a crowd of learners makes again and
    # again, so it reads only what grading needs: the answer with its
    # attempt and question, and the options.
    answer = find_answer(request, public_id, position)
    if answer is None:
        attempt = get_attempt(request, public_id)
        if not attempt.is_finished:
            raise Http404("No such question in this attempt.")
    else:
        attempt = answer.attempt
    if attempt.is_finished:
        messages.info(request, _("This attempt is finished; here is your result."))
        return redirect(attempt)
    if answer.is_answered:
        messages.info(
            request,
            _("You had already answered this question; your first answer counts."),
        )
        return redirect(question_url(attempt, position))
    if answer.waiting:
        messages.info(request, _("Please answer the questions in order."))
        return redirect(question_url(attempt, current_position(attempt)))
    # Grading needs the options too: one query for both.
    prefetch_related_objects([answer], "question__choices")
    choices = attempt.shuffled_choices(answer.question)
    form = AnswerForm(
        answer.question,
        choices,
        data=request.POST,
        certainty_required=attempt.uses_cbm,
    )
    if not form.is_valid():
        if request.headers.get("X-Requested-With") == "fetch":
            return render_question(request, attempt, answer, form=form, status=400)
        # Post/Redirect/Get even for a refused answer: the question's own
        # address shows what was refused, and a reload asks for nothing
        # to be sent again.
        keep_draft(request, answer, form)
        return redirect(question_url(attempt, position))
    selected = form.selected_choices()
    recorded = answer.record(selected, confidence=form.chosen_confidence())
    if not recorded:
        messages.info(
            request,
            _("You had already answered this question; your first answer counts."),
        )
    if attempt.gives_immediate_feedback:
        if recorded and request.headers.get("X-Requested-With") == "fetch":
            # quiz.js shows the feedback in place: the page itself saves the
            # round trip of a redirect. Without JavaScript, the redirect
            # keeps a reload from posting the answer again.
            return render_question(request, attempt, answer, chosen=set(selected))
        return redirect(question_url(attempt, position, "feedback"))
    # Answered in order, so the next question is the next position.
    if position >= answer.total:
        return redirect(attempt)
    return redirect(question_url(attempt, position + 1))


@require_POST
def attempt_finish(request, public_id):
    attempt = get_attempt(request, public_id)
    if not attempt.is_finished and not attempt.finish():
        position = current_position(attempt)
        if position is not None:
            messages.info(request, _("Answer every question before you finish."))
            return redirect(question_url(attempt, position))
    return redirect(attempt)


# Enough recent answers to fill every topic's window, and no more.
MASTERY_ANSWERS = 200


def progress_etag(request):
    attempts = learner_attempts(request).aggregate(
        count=Count("pk", distinct=True),
        started=Max("started_at"),
        finished=Max("completed_at"),
        answered=Max("answers__answered_at"),
    )
    readings = Reading.objects.for_learner(
        request.user, learner_key(request)
    ).aggregate(count=Count("pk"), read=Max("read_at"))
    # Sections other apps add to the page change it too.
    from simulations.templatetags.simulation_tags import progress_state

    return learner_etag(
        request, *attempts.values(), *readings.values(), *progress_state(request)
    )


def learner_calibration(attempts):
    """Return the calibration chart's context for these attempts' answers."""
    if not attempts:
        return None
    counts = {
        level: (answers, right)
        for level, answers, right in Answer.objects.filter(
            attempt__in=[a.pk for a in attempts],
            answered_at__isnull=False,
            confidence__isnull=False,
        )
        .order_by()
        .values_list("confidence")
        .annotate(answers=Count("pk"), right=Count("pk", filter=Q(mark=1.0)))
    }
    return certainty.chart_context(counts)


@require_safe
@condition(etag_func=progress_etag)
def progress(request):
    attempts = list(learner_attempts(request).select_related("quiz"))
    quizzes = {}
    for attempt in attempts:
        if attempt.is_finished and attempt.quiz_id is not None:
            summary = quizzes.setdefault(
                attempt.quiz, {"quiz": attempt.quiz, "latest": attempt, "best": attempt}
            )
            if attempt.score > summary["best"].score:
                summary["best"] = attempt
    answers = (
        Answer.objects.filter(
            attempt__in=[a.pk for a in attempts], answered_at__isnull=False
        )
        .select_related("question")
        .only("mark", "question__topic")
        .order_by("-answered_at")[:MASTERY_ANSWERS]
    )
    mastery = topic_mastery(answers) if attempts else []
    return render(
        request,
        "quizzes/progress.html",
        {
            "attempts": attempts,
            "quizzes": list(quizzes.values()),
            "mastery": mastery,
            "overall": overall(mastery),
            "min_answers": MIN_ANSWERS,
            "trend": score_trend(attempts),
            "calibration": learner_calibration(attempts),
            "discernment": (
                pooled(Answer.objects.filter(attempt__in=[a.pk for a in attempts]))
                if attempts
                else None
            ),
            "min_each": MIN_EACH_FOR_BIAS,
            "readings": Reading.objects.for_learner(
                request.user, learner_key(request)
            ).select_related("case_study", "tip"),
        },
    )


def unfinished_review(request):
    """Return the learner's review started in the last day and not finished."""
    since = timezone.now() - timedelta(days=1)
    return (
        learner_attempts(request)
        .unfinished()
        .filter(quiz=None, is_check=False, started_at__gte=since)
        .first()
    )


def learner_calendar(request):
    return ReviewCalendar.objects.for_learner(
        request.user, learner_key(request)
    ).first()


def review_page_url(request):
    return settings.SITE_URL + reverse("quizzes:review")


def calendar_url(request, token):
    return settings.SITE_URL + reverse("quizzes:review_calendar", args=[token])


@require_safe
@never_cache
def review(request):
    cards = review_cards.cards_for(request.user, learner_key(request))
    due_count = len(review_cards.due(cards))
    count = due_count or len(cards)
    upcoming = review_cards.upcoming(cards)
    token = learner_calendar(request)
    return render(
        request,
        "quizzes/review.html",
        {
            "due_count": due_count,
            "scheduled_count": len(cards),
            # What the button starts: counted as review_start counts.
            "session_size": min(count, review_cards.REVIEW_SIZE),
            "upcoming": upcoming,
            "next_due": min((card.due_at for card in cards), default=None),
            "time_zone": review_cards.utc_offset_label(timezone.now()),
            "unfinished": unfinished_review(request),
            "calendar": token,
            "calendar_url": token and calendar_url(request, token.token),
            "review_size": review_cards.REVIEW_SIZE,
        },
    )


@require_POST
@rate_limit(per_client="start", per_network="start-ip")
def review_start(request):
    # Started twice (a double click, a second tab), a review resumes the
    # one already open rather than draw the same families again.
    unfinished = unfinished_review(request)
    if unfinished is not None:
        return redirect(unfinished)
    cards = review_cards.cards_for(request.user, learner_key(request))
    if request.POST.get("scope") != "all":
        cards = review_cards.due(cards)
    questions = review_cards.session(cards, request.user, learner_key(request))
    if not questions:
        messages.info(request, _("There is nothing to review right now."))
        return redirect("quizzes:review")
    attempt = Attempt.objects.start_review(
        user=request.user,
        learner_key=learner_key(request, create=True),
        questions=questions,
        language=get_language() or "",
    )
    keep_progress(request)
    return redirect(question_url(attempt, 1))


def reminder_event(start, uid):
    return review_cards.Event(
        uid=uid,
        start=start,
        summary=_("Time for a review · Guard Your Info"),
        url=settings.SITE_URL + reverse("quizzes:review"),
        description=_(
            "A few questions are due for review. Open %(url)s to practise them."
        )
        % {"url": settings.SITE_URL + reverse("quizzes:review")},
    )


def ics_response(text, filename=None):
    response = HttpResponse(text, content_type="text/calendar; charset=utf-8")
    if filename:
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Robots-Tag"] = "noindex"
    return response


@require_safe
@never_cache
def review_reminder(request):
    """Download one calendar event at the next due time: nothing personal."""
    cards = review_cards.cards_for(request.user, learner_key(request))
    if not cards:
        messages.info(request, _("Nothing is scheduled for review yet."))
        return redirect("quizzes:review")
    start = max(min(card.due_at for card in cards), timezone.now())
    host = urlsplit(settings.SITE_URL).hostname or "localhost"
    event = reminder_event(start, review_cards.random_uid(host))
    return ics_response(
        review_cards.calendar([event], name=_("Guard Your Info reviews")),
        filename="review-reminder.ics",
    )


@require_safe
def review_calendar(request, token):
    """The private feed: one event a day that has reviews due, nothing else.

    Calendar apps fetch it without a session, so the token alone says whose
    it is; it never reaches a log (awareness.logs redacts it).
    """
    for scope, ident in (
        ("calendar", f"calendar:{token}"),
        ("calendar-ip", network(client_ip(request))),
    ):
        retry_after = hit(scope, ident)
        if retry_after:
            return too_many_requests(request, retry_after)
    feed = ReviewCalendar.objects.filter(token=token).first()
    if feed is None:
        raise Http404("No such calendar.")
    owner = feed.user if feed.user_id else AnonymousUser()
    cards = review_cards.cards_for(owner, feed.learner_key)
    now = timezone.now()
    days = {}
    for card in cards:
        start = max(card.due_at, now)
        days.setdefault(timezone.localtime(start).date(), start)
    host = urlsplit(settings.SITE_URL).hostname or "localhost"
    events = [
        reminder_event(
            start,
            # Stable for a day, and telling nothing of the token.
            f"{pseudonym(f'{feed.token}|{day.isoformat()}')}@{host}",
        )
        for day, start in sorted(days.items())
    ]
    response = ics_response(
        review_cards.calendar(events, name=_("Guard Your Info reviews"))
    )
    response["Cache-Control"] = "private, max-age=900"
    return response


@require_POST
@rate_limit(per_client="start", per_network="start-ip")
def review_calendar_link(request):
    """Make the learner's private feed link, a new one, or none at all."""
    if request.POST.get("action") == "revoke":
        ReviewCalendar.objects.for_learner(request.user, learner_key(request)).delete()
        messages.success(request, _("Your calendar link is turned off."))
    else:
        ReviewCalendar.objects.renew(
            user=request.user, learner_key=learner_key(request, create=True)
        )
        keep_progress(request)
        messages.success(
            request,
            _("Here is your new calendar link. Any link made before stops working."),
        )
    return redirect(reverse("quizzes:review") + "#reminders")

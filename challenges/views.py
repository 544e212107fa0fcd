from django.conf import settings
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from awareness.qr_codes import qr_svg
from awareness.throttle import rate_limit
from quizzes.models import learner_key
from quizzes.views import get_attempt

from .forms import ChallengeForm
from .models import Challenge


def learner_challenges(request):
    return Challenge.objects.for_learner(request.user, learner_key(request))


@require_POST
@rate_limit(per_client="challenge", per_network="challenge-ip")
def create(request, public_id):
    attempt = get_attempt(request, public_id)
    if attempt.quiz_id is None or not attempt.is_finished:
        messages.info(request, _("Finish the quiz first, then pass it on."))
        return redirect(attempt)
    form = ChallengeForm(request.POST)
    if not form.is_valid():
        return render(
            request,
            "challenges/challenge_form.html",
            {"form": form, "attempt": attempt},
            status=400,
        )
    challenge = form.save(commit=False)
    challenge.quiz_id = attempt.quiz_id
    challenge.user = attempt.user
    challenge.learner_key = "" if attempt.user_id else attempt.learner_key
    challenge.save()
    messages.success(
        request, _("Your link is ready. Send it to someone you care about.")
    )
    return redirect("challenges:mine")


@never_cache
@require_safe
def mine(request):
    challenges = list(learner_challenges(request).live().select_related("quiz"))
    for challenge in challenges:
        challenge.url = settings.SITE_URL + challenge.get_absolute_url()
        challenge.qr = qr_svg(challenge.url)
    return render(request, "challenges/mine.html", {"challenges": challenges})


@require_POST
def delete(request, token):
    challenge = get_object_or_404(learner_challenges(request), token=token)
    challenge.delete()
    messages.success(request, _("The link is deleted: it no longer opens anything."))
    return redirect("challenges:mine")


@require_safe
def open_challenge(request, token):
    challenge = (
        Challenge.objects.live().select_related("quiz").filter(token=token).first()
    )
    if challenge is None:
        return render(request, "challenges/gone.html", status=404)
    return render(request, "challenges/open.html", {"challenge": challenge})

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.views import LoginView
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters

from awareness.throttle import rate_limit
from quizzes.models import Attempt, Reading, ReviewItem
from quizzes.views import learner_key

from .forms import SignupForm


def join_progress(request, user):
    """Move this browser's anonymous quiz progress into the user's account."""
    key = learner_key(request)
    claimed = Attempt.objects.claim(learner_key=key, user=user)
    Reading.objects.claim(learner_key=key, user=user)
    ReviewItem.objects.claim(learner_key=key, user=user)
    if claimed:
        messages.success(
            request, _("Your earlier quiz progress is now saved to your account.")
        )


class SigninView(LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
        # login() keeps the session's data, so the anonymous token survives.
        join_progress(self.request, form.get_user())
        return response


@sensitive_post_parameters("password1", "password2")
@rate_limit(per_network="signup")
def signup(request):
    if request.user.is_authenticated:
        return redirect("quizzes:progress")
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        login(request, user)
        join_progress(request, user)
        messages.success(request, _("Welcome! Your account is ready."))
        next_url = request.POST.get("next", "")
        # Only a path on this site: redirect() would take a bare word for a
        # URL pattern's name.
        if next_url.startswith("/") and url_has_allowed_host_and_scheme(
            next_url,
            allowed_hosts={request.get_host()},
            require_https=request.is_secure(),
        ):
            return redirect(next_url)
        return redirect("quizzes:progress")
    return render(
        request,
        "accounts/signup.html",
        {"form": form, "next": request.GET.get("next", "")},
        status=400 if form.errors else 200,
    )

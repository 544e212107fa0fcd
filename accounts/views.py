import functools
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import (
    authenticate,
    get_user_model,
    login,
    logout,
    views as auth_views,
)
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.views import LoginView
from django.db import IntegrityError, transaction
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from awareness.throttle import rate_limit
from quizzes import personal_data
from quizzes.models import LEARNER_SESSION_KEY, learner_key

from .forms import (
    AccountDetailsForm,
    DeleteAccountForm,
    SignupForm,
    ThrottledPasswordChangeForm,
)

# Set at sign-in when this browser holds anonymous progress, so that the
# sign-in's redirect goes by the page that asks what to do with it.
JOIN_PENDING_SESSION_KEY = "join_pending"


def join_progress(request, user):
    """Get ready to ask whether this browser's anonymous progress is theirs.

    On a shared browser it may be someone else's, so it never joins the
    account silently: `asks_about_progress` sends the learner to
    `join_progress_choice` first.
    """
    # An anonymous learner's long session ends at sign-in: accounts keep
    # the usual session length.
    request.session.set_expiry(None)
    if any(anonymous_progress(request).values()):
        request.session[JOIN_PENDING_SESSION_KEY] = True


def anonymous_progress(request):
    """Return what the session's anonymous token holds, whoever signed in."""
    return personal_data.held(user=AnonymousUser(), learner_key=learner_key(request))


def after_sign_in(request, response):
    """Send a sign-in's redirect by the question about earlier progress."""
    if not request.session.pop(JOIN_PENDING_SESSION_KEY, False):
        return response
    if response.status_code != 302:
        return response
    query = urlencode({"next": response["Location"]})
    return redirect(f"{reverse('accounts:join_progress')}?{query}")


def asks_about_progress(view):
    """Make a view that signs learners in ask about earlier progress first."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        return after_sign_in(request, view(request, *args, **kwargs))

    return wrapped


def safe_next(request, url, default="quizzes:progress"):
    """Return ``url`` if it is a path on this site, else ``default``."""
    # Only a path: redirect() would take a bare word for a URL pattern's name.
    if url.startswith("/") and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return reverse(default)


@login_required
@require_http_methods(["GET", "POST"])
@never_cache
def join_progress_choice(request):
    """Ask whether this browser's earlier progress joins the account.

    Both answers end with the token gone from the session, so a replayed
    form or the back button finds nothing left to keep or discard.
    """
    next_url = safe_next(request, request.POST.get("next", request.GET.get("next", "")))
    key = learner_key(request)
    held = anonymous_progress(request)
    if not any(held.values()):
        request.session.pop(LEARNER_SESSION_KEY, None)
        return redirect(next_url)
    choice = request.POST.get("choice")
    if request.method == "POST" and choice in ("keep", "discard"):
        if choice == "keep":
            personal_data.claim(learner_key=key, user=request.user)
            messages.success(
                request, _("Your earlier quiz progress is now saved to your account.")
            )
        else:
            personal_data.discard(learner_key=key)
            messages.success(
                request,
                _("The progress made on this browser before you signed in is deleted."),
            )
        request.session.pop(LEARNER_SESSION_KEY, None)
        return redirect(next_url)
    return render(
        request,
        "accounts/join_progress.html",
        {"held": held, "next": next_url},
        status=400 if request.method == "POST" else 200,
    )


class SigninView(LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
        # login() keeps the session's data, so the anonymous token survives.
        join_progress(self.request, form.get_user())
        return after_sign_in(self.request, response)


@sensitive_post_parameters("password1", "password2")
@rate_limit(per_network="signup")
@asks_about_progress
def signup(request):
    if request.user.is_authenticated:
        return redirect("quizzes:progress")
    form = SignupForm(request.POST or None)
    user = None
    if request.method == "POST" and form.is_valid():
        user = create_account(request, form)
    if user is not None:
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


def _name_taken(form):
    message = form.instance.unique_error_message(get_user_model(), ["username"])
    form.add_error("username", message)


def create_account(request, form):
    """Return the account the valid sign-up form makes, or None if the name went.

    Another request can take the name between the form's check and the
    insert. When its password is this one too, it was the first click of a
    double click, and signing in to that account is what the visitor meant.
    """
    try:
        with transaction.atomic():
            return form.save()
    except IntegrityError:
        user = authenticate(
            request,
            username=form.cleaned_data["username"],
            password=form.cleaned_data["password1"],
        )
        if user is None:
            _name_taken(form)
        return user


def held_about(request):
    """Return how many rows of each kind the site holds about this learner."""
    return personal_data.held(user=request.user, learner_key=learner_key(request))


@require_GET
@never_cache
def my_data(request):
    return render(
        request,
        "accounts/my_data.html",
        {
            "held": held_about(request),
            "retention_days": settings.ANONYMOUS_PROGRESS_DAYS,
            # Progress from before signing in, still to keep or discard.
            "waiting": request.user.is_authenticated
            and any(anonymous_progress(request).values()),
        },
    )


@require_POST
def export_data(request):
    """Send everything the site holds about this learner as a JSON file."""
    user = request.user
    key = learner_key(request)
    now = timezone.now()
    data = {
        "site": settings.SITE_NAME,
        "exported_at": now,
        "account": (
            {
                "username": user.username,
                "email": user.email or None,
                "joined_at": user.date_joined,
                "last_signed_in_at": user.last_login,
                "password": _("Stored only as a secure hash; not included."),
            }
            if user.is_authenticated
            else None
        ),
        "anonymous_learner": (
            {
                "token": key,
                "kept_until_days_after_last_activity": (
                    settings.ANONYMOUS_PROGRESS_DAYS
                ),
            }
            if not user.is_authenticated and key
            else None
        ),
        **personal_data.export(user=user, learner_key=key),
    }
    response = JsonResponse(
        data, json_dumps_params={"ensure_ascii": False, "indent": 2}
    )
    response["Content-Disposition"] = (
        f'attachment; filename="guard-your-info-data-{now:%Y-%m-%d}.json"'
    )
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def account_details(request):
    form = AccountDetailsForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                form.save()
        except IntegrityError:
            # Another account took the name since the form checked it.
            request.user.refresh_from_db(fields=["username", "email"])
            _name_taken(form)
        else:
            messages.success(request, _("Your details are saved."))
            return redirect("accounts:my_data")
    return render(
        request,
        "accounts/form.html",
        {"form": form, "title": _("Correct your details")},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
@sensitive_post_parameters("password")
def delete_account(request):
    user = request.user
    if user.is_staff:
        # Staff accounts carry the admin's history of content changes.
        return render(request, "accounts/delete.html", {"staff": True}, status=403)
    form = DeleteAccountForm(user, request.POST or None, request=request)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            personal_data.erase(user=user, learner_key=learner_key(request))
            user.delete()
        logout(request)
        return redirect("accounts:deleted")
    return render(
        request,
        "accounts/delete.html",
        {"form": form, "held": held_about(request)},
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
def forget_me(request):
    if request.user.is_authenticated:
        # An account's data goes with the account.
        return redirect("accounts:delete")
    if request.method == "POST":
        key = learner_key(request)
        if key:
            personal_data.erase(user=request.user, learner_key=key)
        request.session.flush()
        return redirect("accounts:forgotten")
    return render(request, "accounts/forget.html", {"held": held_about(request)})


class PasswordResetView(auth_views.PasswordResetView):
    """Django's, with the link in the e-mail on the site's own address.

    Django would build it from the request's Host header, whose port is
    never checked against ALLOWED_HOSTS.
    """

    @property
    def extra_email_context(self):
        return {"site_url": settings.SITE_URL}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if not settings.EMAIL_IS_SENT:
            context["note"] = _(
                "This site does not send e-mail yet. If an account has the "
                "address you enter, its reset link is saved on the server, "
                "where only the people who run the site can read it: ask them "
                "for it."
            )
        return context


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    """Say where the reset link went: an inbox, or only the server's files."""

    template_name = "accounts/message.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if settings.EMAIL_IS_SENT:
            context["title"] = _("Check your e-mail")
            context["message"] = _(
                "If an account has that address, we have sent it a link to "
                "choose a new password."
            )
        else:
            context["title"] = _("Reset link saved on the server")
            context["message"] = _(
                "No e-mail was sent: this site does not send e-mail yet. If an "
                "account has that address, its reset link is saved on the "
                "server, where only the people who run the site can read it. "
                "Ask them to pass it on to you."
            )
        return context


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's, with the old password checked under the sign-in lockout."""

    form_class = ThrottledPasswordChangeForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "request": self.request}

    def form_invalid(self, form):
        response = super().form_invalid(form)
        response.status_code = 400
        return response


class SignoutView(auth_views.LogoutView):
    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        # After the session is flushed, so the message lives in the new one.
        messages.success(request, _("You are signed out."))
        return response

from django.conf import settings
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import (
    require_http_methods,
    require_POST,
    require_safe,
)

from quizzes.views import get_attempt

from .forms import NameForm, VerifyForm
from .models import Certificate, normalise_code


@require_POST
def issue(request, public_id):
    attempt = get_attempt(request, public_id)
    certificate = Certificate.objects.issue(attempt)
    if certificate is None:
        messages.info(
            request, _("A certificate is for a finished quiz at its pass mark.")
        )
        return redirect(attempt)
    return redirect(certificate)


# A name typed for printing must not linger in a shared cache or history.
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def detail(request, code):
    certificate = get_object_or_404(
        Certificate.objects.select_related("quiz"), code=normalise_code(code)
    )
    form = NameForm(request.POST if request.method == "POST" else None)
    name = form.cleaned_data["name"].strip() if form.is_valid() else ""
    return render(
        request,
        "certificates/certificate_detail.html",
        {
            "certificate": certificate,
            "form": form,
            "name": name,
            "site_url": settings.SITE_URL,
        },
    )


@require_safe
def verify_form(request):
    form = VerifyForm(request.GET or None)
    if form.is_valid():
        return redirect(
            "certificates:verify", normalise_code(form.cleaned_data["code"])
        )
    return render(request, "certificates/verify.html", {"form": form})


@require_safe
def verify(request, code):
    certificate = (
        Certificate.objects.select_related("quiz")
        .filter(code=normalise_code(code))
        .first()
    )
    return render(
        request,
        "certificates/verify.html",
        {"form": VerifyForm(), "certificate": certificate, "checked": True},
        status=200 if certificate else 404,
    )

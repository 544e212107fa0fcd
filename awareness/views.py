import logging
import secrets

from django.conf import settings
from django.core.cache import caches
from django.db import DatabaseError, connection
from django.db.models import Prefetch
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_http_methods, require_safe

from quizzes import dashboard
from quizzes.models import Quiz, Reading, learner_key
from simulations.models import Simulation

from . import easy_read, illustrations, share_images
from .forms import EasyReadForm
from .languages import search_forms
from .models import CaseStudy, ChainLink, ChainRole, Guide, PrecautionTip, Source
from .page_cache import cache_public_page
from .qr_codes import qr_svg

logger = logging.getLogger(__name__)

# Bounds keep a pasted essay from becoming a query with hundreds of clauses.
SEARCH_MAX_LENGTH = 100
SEARCH_MAX_TERMS = 8


@require_safe
@cache_public_page
def home(request):
    # A cookieless visitor has no progress and gets the cached page.
    board = dashboard.for_learner(request.user, learner_key(request))
    suggested = None
    if board.has_progress:
        suggested = board.suggest(Quiz.objects.visible_to(request.user))
    return render(
        request,
        "awareness/home.html",
        {
            "case_studies": CaseStudy.objects.visible_to(request.user),
            "tips": PrecautionTip.objects.visible_to(request.user),
            "links": ChainLink.objects.visible_to(request.user),
            "board": board,
            "suggested": suggested,
        },
    )


# The pages that have a share image of their own, by the kind in its URL.
SHARED = {"case": CaseStudy, "tip": PrecautionTip, "quiz": Quiz}


@require_safe
@cache_public_page
def share_image(request, kind="home", slug=None):
    if kind == "home":
        title = _("Who is selling your personal information?")
        summary = _(
            "Three cases the police cracked, the chain that sells your data, "
            "and how to spot the scams that follow."
        )
        eyebrow = ""
    elif kind in SHARED:
        item = get_object_or_404(
            SHARED[kind].objects.visible_to(request.user), slug=slug
        )
        title, summary = item.title, item.summary
        eyebrow = {
            "case": lambda: _("Case %(number)s") % {"number": item.number},
            "tip": lambda: _("Tip %(number)s") % {"number": item.number},
            "quiz": lambda: _("Quiz"),
        }[kind]()
    else:
        raise Http404("No such share image.")
    png = share_images.render(
        title=title,
        summary=summary,
        site_name=_("Guard Your Info"),
        eyebrow=eyebrow,
        language=translation.get_language(),
        address=settings.SITE_URL.split("://", 1)[-1],
    )
    return HttpResponse(png, content_type="image/png")


@require_safe
@cache_public_page
def case_study_list(request):
    return render(
        request,
        "awareness/casestudy_list.html",
        {"case_studies": CaseStudy.objects.visible_to(request.user)},
    )


@require_safe
@cache_public_page
def case_study_detail(request, slug):
    case_study = get_object_or_404(
        CaseStudy.objects.visible_to(request.user).prefetch_related(
            "sources",
            "figures",
            Prefetch("roles", queryset=ChainRole.objects.select_related("link")),
            Prefetch("tips", queryset=PrecautionTip.objects.visible_to(request.user)),
        ),
        slug=slug,
    )
    # Only learners who already have progress get a reading recorded:
    # reading alone never creates a session or a cookie.
    Reading.objects.record(
        user=request.user, learner_key=learner_key(request), item=case_study
    )
    return render(
        request,
        "awareness/casestudy_detail.html",
        {
            "case_study": case_study,
            "illustration": illustrations.for_case(case_study),
            "quizzes": Quiz.objects.visible_to(request.user).teaching(case_study),
            "simulations": Simulation.objects.visible_to(request.user).about(
                case_study
            ),
        },
    )


@require_safe
@cache_public_page
def chain(request):
    roles = (
        ChainRole.objects.visible_to(request.user)
        .select_related("case_study")
        .order_by("case_study__number", "order")
    )
    return render(
        request,
        "awareness/chain.html",
        {
            "links": ChainLink.objects.visible_to(request.user).prefetch_related(
                Prefetch("roles", queryset=roles)
            ),
            "case_studies": CaseStudy.objects.visible_to(request.user).prefetch_related(
                Prefetch("roles", queryset=ChainRole.objects.select_related("link"))
            ),
        },
    )


@require_safe
@cache_public_page
def tip_list(request):
    return render(
        request,
        "awareness/precautiontip_list.html",
        {"tips": PrecautionTip.objects.visible_to(request.user)},
    )


@require_safe
@cache_public_page
def tip_detail(request, slug):
    tip = get_object_or_404(
        PrecautionTip.objects.visible_to(request.user).prefetch_related(
            "sources",
            Prefetch(
                "case_studies", queryset=CaseStudy.objects.visible_to(request.user)
            ),
        ),
        slug=slug,
    )
    Reading.objects.record(
        user=request.user, learner_key=learner_key(request), item=tip
    )
    return render(
        request,
        "awareness/precautiontip_detail.html",
        {"tip": tip, "quizzes": Quiz.objects.visible_to(request.user).teaching(tip)},
    )


@require_safe
@cache_public_page
def tip_leaflet(request, slug):
    tip = get_object_or_404(PrecautionTip.objects.visible_to(request.user), slug=slug)
    return _leaflet(
        request,
        tip,
        eyebrow=_("Tip %(number)s") % {"number": tip.number},
        look_for=tip.why_it_matters,
        to_do=tip.what_to_do,
    )


@require_safe
@cache_public_page
def case_study_leaflet(request, slug):
    case_study = get_object_or_404(
        CaseStudy.objects.visible_to(request.user), slug=slug
    )
    return _leaflet(
        request,
        case_study,
        eyebrow=_("Case %(number)s") % {"number": case_study.number},
        look_for=case_study.warning_signs,
        to_do=case_study.takeaway,
    )


def _leaflet(request, item, *, eyebrow, look_for, to_do):
    # The code on paper leads back to the page itself, in the leaflet's
    # language, at the address the site is published under.
    page_url = settings.SITE_URL + item.get_absolute_url()
    return render(
        request,
        "awareness/leaflet.html",
        {
            "item": item,
            "eyebrow": eyebrow,
            "look_for": look_for,
            "to_do": to_do,
            "page_url": page_url,
            "page_address": page_url.split("://", 1)[-1],
            "qr": qr_svg(page_url, label=_("QR code: %(url)s") % {"url": page_url}),
        },
    )


@require_safe
@cache_public_page
def guide_detail(request, slug):
    guide = get_object_or_404(
        Guide.objects.visible_to(request.user).prefetch_related("sources"), slug=slug
    )
    return render(request, "awareness/guide_detail.html", {"guide": guide})


@require_safe
def search(request):
    # Control characters (NUL above all) are never words, and PostgreSQL
    # refuses them outright.
    text = "".join(ch if ch.isprintable() else " " for ch in request.GET.get("q", ""))
    query = " ".join(text.split())[:SEARCH_MAX_LENGTH]
    terms = list(dict.fromkeys(query.split()))[:SEARCH_MAX_TERMS]
    results = []
    if terms:
        for model in (CaseStudy, PrecautionTip, Guide, ChainLink):
            results += model.objects.visible_to(request.user).search(terms)
        results.sort(key=lambda item: -item.rank)
    return render(
        request,
        "awareness/search.html",
        {
            "query": query,
            "terms": terms,
            # Excerpts mark a term as the page's script writes it too.
            "marks": [form for term in terms for form in search_forms(term)],
            "results": results,
        },
    )


@require_safe
@cache_public_page
def about(request):
    return render(request, "awareness/about.html", {"sources": Source.objects.all()})


@require_safe
@cache_public_page
def privacy(request):
    return render(
        request,
        "awareness/privacy.html",
        {
            "retention_days": settings.ANONYMOUS_PROGRESS_DAYS,
            "session_weeks": settings.SESSION_COOKIE_AGE // (7 * 24 * 60 * 60),
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
def easy_read_switch(request):
    """Switch easy-read mode (POST), or explain it and offer the switch (GET).

    Pages served from the public cache carry no CSRF token, so their
    switch only links here; this page sets the token for the POST.
    """
    if request.method == "POST":
        form = EasyReadForm(request.POST)
        if not form.is_valid():
            return render(request, "400.html", status=400)
        easy_read.switch(request, on=form.cleaned_data["easy_read"] == "on")
        return redirect(easy_read.safe_next(request, form.cleaned_data["next"]))
    return render(
        request,
        "awareness/easy_read.html",
        {"switch_next": easy_read.safe_next(request, request.GET.get("next"))},
    )


@require_safe
def favicon(request):
    # Browsers ask for /favicon.ico whatever the page's <link rel=icon> says.
    return redirect(static("img/favicon.svg"), permanent=True)


@require_safe
@cache_control(max_age=24 * 60 * 60)
def robots_txt(request):
    # Search results are endless and thin; everything else may be crawled.
    # Pages about one learner answer 404 or stay empty for a crawler.
    hidden = set()
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            hidden.update((reverse("search"), reverse("admin:index")))
    lines = [
        "User-agent: *",
        *(f"Disallow: {path}" for path in sorted(hidden)),
        "",
        f"Sitemap: {settings.SITE_URL}{reverse('django.contrib.sitemaps.views.sitemap')}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain")


# Matches --color-bg and --color-brand in site.css (light scheme).
BACKGROUND_COLOUR = "#f6f7f9"
THEME_COLOUR = "#0b5cad"


@require_safe
@cache_control(max_age=24 * 60 * 60)
def manifest(request):
    """Return the web app manifest, in the reader's language."""
    icons = [
        {
            "src": static(f"img/icon-{size}.png"),
            "sizes": f"{size}x{size}",
            "type": "image/png",
        }
        for size in (192, 512)
    ]
    icons += [
        {
            "src": static("img/icon-maskable-512.png"),
            "sizes": "512x512",
            "type": "image/png",
            "purpose": "maskable",
        },
        {"src": static("img/favicon.svg"), "sizes": "any", "type": "image/svg+xml"},
    ]
    data = {
        "name": str(settings.SITE_NAME),
        "short_name": str(settings.SITE_NAME),
        "description": _(
            "Learn how personal information leaks, and how to spot the scams "
            "that follow."
        ),
        "lang": translation.get_language(),
        "start_url": reverse("home"),
        "scope": "/",
        "display": "standalone",
        "background_color": BACKGROUND_COLOUR,
        "theme_color": THEME_COLOUR,
        "icons": icons,
    }
    return JsonResponse(
        data,
        content_type="application/manifest+json",
        json_dumps_params={"ensure_ascii": False},
    )


@require_safe
@never_cache
def healthz(request):
    """Tell a load balancer whether this app server can serve.

    Without its database it cannot (503). Without a cache it still can,
    more slowly and with rate limits open, so that is reported in the body
    for monitoring, with a 200: taking every server out of the pool because
    Redis is down would turn a slow site into none.
    """
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        logger.exception("health check failed", extra={"event": "unhealthy"})
        return HttpResponse(
            "database unavailable\n", status=503, content_type="text/plain"
        )
    failing = [alias for alias in settings.CACHES if not _cache_answers(alias)]
    if failing:
        logger.warning(
            "cache unavailable", extra={"event": "degraded", "caches": failing}
        )
        return HttpResponse(
            f"degraded: cache unavailable ({', '.join(failing)})\n",
            content_type="text/plain",
        )
    return HttpResponse("ok\n", content_type="text/plain")


def _cache_answers(alias):
    # django-redis answers a miss when Redis is down, so only a value read
    # back tells that the cache works.
    cache, key = caches[alias], f"healthz:{secrets.token_hex(8)}"
    try:
        cache.set(key, 1, timeout=10)
        found = cache.get(key)
        cache.delete(key)
    except Exception:
        return False
    return found == 1

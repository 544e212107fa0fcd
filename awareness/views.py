import logging

from django.db import DatabaseError, connection
from django.db.models import Prefetch
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.templatetags.static import static
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from quizzes.models import Reading
from quizzes.views import learner_key

from .models import CaseStudy, ChainLink, ChainRole, Guide, PrecautionTip, Source
from .page_cache import cache_public_page

logger = logging.getLogger(__name__)

# Bounds keep a pasted essay from becoming a query with hundreds of clauses.
SEARCH_MAX_LENGTH = 100
SEARCH_MAX_TERMS = 8


@require_safe
@cache_public_page
def home(request):
    return render(
        request,
        "awareness/home.html",
        {
            "case_studies": CaseStudy.objects.visible_to(request.user),
            "tips": PrecautionTip.objects.visible_to(request.user),
            "links": ChainLink.objects.visible_to(request.user),
        },
    )


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
        request, "awareness/casestudy_detail.html", {"case_study": case_study}
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
    return render(request, "awareness/precautiontip_detail.html", {"tip": tip})


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
        {"query": query, "terms": terms, "results": results},
    )


@require_safe
@cache_public_page
def about(request):
    return render(request, "awareness/about.html", {"sources": Source.objects.all()})


@require_safe
@cache_public_page
def privacy(request):
    return render(request, "awareness/privacy.html")


@require_safe
def favicon(request):
    # Browsers ask for /favicon.ico whatever the page's <link rel=icon> says.
    return redirect(static("img/favicon.svg"), permanent=True)


@require_safe
@never_cache
def healthz(request):
    """Tell a load balancer whether this app server can reach its database."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        logger.exception("health check failed", extra={"event": "unhealthy"})
        return HttpResponse(
            "database unavailable\n", status=503, content_type="text/plain"
        )
    return HttpResponse("ok\n", content_type="text/plain")

"""Every URL of the site, each filled in with real objects.

Tests that must hold on every page (security headers, fuzzing) walk the
URL patterns themselves, so a new URL is covered the day it is added. A
pattern's parameters are filled from candidates by name: a slug is tried
against every kind of content until the page exists, an object id against
the objects of the admin's model, and so on.
"""

import itertools
import re

from django.contrib import admin
from django.contrib.auth.tokens import default_token_generator
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.urls import URLResolver, get_resolver, reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from awareness.models import CaseStudy, ChainLink, Guide, PrecautionTip
from quizzes.models import Quiz, ReviewCalendar
from simulations.models import Run, Simulation
from tracks.models import Track


def patterns(resolver=None, prefix="", namespace=""):
    """Yield (name, route, parameter names) for every URL pattern."""
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}{pattern.namespace}:"
            yield from patterns(pattern, route, inner)
            continue
        name = f"{namespace}{pattern.name}" if pattern.name else None
        regex = pattern.pattern.regex
        if regex.groups > len(regex.groupindex):
            # Unnamed groups (django-reversion's history views) take a
            # version id; they cannot be filled in by name.
            yield name, route, (None,)
            continue
        yield name, route, tuple(regex.groupindex)


def _literal(route):
    """Return the path of a route without parameters, e.g. favicon.ico."""
    path = route.replace("^", "").replace("$", "").replace("\\", "")
    return "/" + path


def candidates(*, user, attempt):
    """Return the values worth trying for each parameter name."""
    objects = [
        model.objects.first() for model, _model_admin in admin.site._registry.items()
    ]
    objects = [obj for obj in objects if obj is not None]
    slugs = [
        obj.slug
        for model in (
            CaseStudy,
            PrecautionTip,
            Guide,
            ChainLink,
            Quiz,
            Simulation,
            Track,
        )
        for obj in model.objects.all()[:1]
    ]
    from certificates.models import Certificate
    from challenges.models import Challenge

    return {
        "slug": slugs,
        # A share image is named by its page's kind.
        "kind": ["case", "tip", "quiz"],
        "public_id": [attempt.public_id],
        "position": [1],
        "run_id": list(
            Run.objects.filter(user=user).values_list("public_id", flat=True)
        ),
        "uidb64": [urlsafe_base64_encode(force_bytes(user.pk))],
        # A password reset's token, a private review calendar's or a
        # passed-on link's.
        "token": [
            default_token_generator.make_token(user),
            *ReviewCalendar.objects.values_list("token", flat=True)[:1],
            *Challenge.objects.values_list("token", flat=True)[:1],
        ],
        "code": list(Certificate.objects.values_list("code", flat=True)[:1]),
        "app_label": sorted({obj._meta.app_label for obj in objects}),
        "object_id": [obj.pk for obj in objects],
        "content_type_id": [
            ContentType.objects.get_for_model(obj).pk for obj in objects
        ],
    }


def _admin_model(name):
    """Return the admin's model for a name like admin:quizzes_quiz_change."""
    match = re.match(r"admin:(\w+?)_(\w+)_(change|delete|history)$", name or "")
    if not match:
        return None
    for model in admin.site._registry:
        if (model._meta.app_label, model._meta.model_name) == match.groups()[:2]:
            return model
    return None


def _exists(client, url):
    status = client.get(url).status_code
    if status == 405:
        # A POST-only view: ask with a POST whose effects are rolled back.
        with transaction.atomic():
            status = client.post(url).status_code
            transaction.set_rollback(True)
    return status != 404


def every_url(client, *, user, attempt):
    """Return [(name, url)] for every pattern, resolved with real objects.

    `client` should see everything (a superuser who owns `attempt`): a
    candidate is kept when the page exists for it. Patterns that take
    free text (the admin's catch-all) cannot be filled in and are left out.
    """
    values = candidates(user=user, attempt=attempt)
    urls = []
    for name, route, params in patterns():
        if not params:
            urls.append((name, reverse(name) if name else _literal(route)))
            continue
        if name is None or any(param not in values for param in params):
            continue
        pools = [values[param] for param in params]
        model = _admin_model(name)
        if model is not None and params == ("object_id",):
            pools = [[model.objects.first().pk]]
        for combination in itertools.islice(itertools.product(*pools), 50):
            url = reverse(name, kwargs=dict(zip(params, combination, strict=True)))
            if _exists(client, url):
                urls.append((name, url))
                break
        else:
            raise AssertionError(f"No real object makes {name} ({route}) exist")
    return urls

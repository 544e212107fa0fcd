"""Reference views for `make bench`: what answering costs at the least.

Answering is measured against the floor's template view, which has no
middleware, session or database. These two views tell how much of that
gap any answer view must pay on this stack, whatever it does. Both are
POSTs through the site's own middleware, with its session and CSRF check,
like the real one:

- `post_only` reads the learner's token from the session and the posted
  option, and returns a redirect: no database at all;
- `two_statements` is the least a durable, checked answer can do: one
  hand-written SELECT that finds the learner's unanswered answer, and one
  conditional UPDATE that records it, committed. It grades nothing and
  writes no options, so it is cheaper than any real answer.

Served by a separate gunicorn (bench.run), so the site measured is the
site as deployed.
"""

from django.db import connection
from django.http import HttpResponseRedirect
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_POST

from awareness.urls import urlpatterns as site_urlpatterns
from quizzes.models import LEARNER_SESSION_KEY

FIND = """
    SELECT answer.id
    FROM quizzes_answer answer
    JOIN quizzes_attempt attempt ON attempt.id = answer.attempt_id
    WHERE answer.id = %s AND attempt.learner_key = %s
        AND attempt.user_id IS NULL AND answer.answered_at IS NULL
"""
RECORD = """
    UPDATE quizzes_answer SET mark = 1.0, answered_at = %s
    WHERE id = %s AND answered_at IS NULL
"""


@require_POST
def post_only(request, pk):
    request.session.get(LEARNER_SESSION_KEY)
    request.POST.get("choice")
    return HttpResponseRedirect(f"/en/reference/{pk}/")


@require_POST
def two_statements(request, pk):
    key = request.session.get(LEARNER_SESSION_KEY)
    request.POST.get("choice")
    with connection.cursor() as cursor:
        cursor.execute(FIND, [pk, key])
        if cursor.fetchone():
            cursor.execute(RECORD, [timezone.now(), pk])
    return HttpResponseRedirect(f"/en/reference/{pk}/")


urlpatterns = [
    path("reference/post-only/<int:pk>/", post_only),
    path("reference/two-statements/<int:pk>/", two_statements),
    *site_urlpatterns,
]

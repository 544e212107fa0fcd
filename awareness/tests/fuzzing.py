"""Hypothesis strategies and checks for fuzzing the site's endpoints.

The properties, for every endpoint: no input gives a server error, and an
input the endpoint rejects changes nothing in the database. Each example
runs in its own transaction that is rolled back, so examples cannot see
each other's rows (that is also why the function-scoped fixtures these
tests use are safe, and why that health check is switched off).
"""

import contextlib
import datetime
import hashlib

from django.apps import apps
from django.contrib import admin
from django.db import transaction
from django.forms import MultiWidget
from django.test import RequestFactory
from hypothesis import strategies as st

# Values that have broken web applications before: markup and script, SQL,
# path tricks, format strings, NUL and other control characters, bidi and
# zero-width characters, Chinese text, emoji, numbers at the edges, and
# sizes just past the fields' limits.
HOSTILE = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "\r\n\r\nInjected: header",
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "javascript:alert(1)",
    "' OR '1'='1",
    "1; DROP TABLE auth_user; --",
    "../../../../etc/passwd",
    "%s%s%s%n",
    "{{ settings.SECRET_KEY }}",
    "\u202eevil\u202c",
    "\u200b\u200c\u200d\ufeff",
    "谁在贩卖我们的个人信息？",
    "𠜎𠜱𠝹",
    "🙂" * 50,
    "-1",
    "0",
    "99999999999999999999999999",
    "1e309",
    "NaN",
    "//evil.example/",
    "https://evil.example/",
    "\\\\evil.example",
]

# Text the test client can send: anything but lone surrogates, which no
# encoder accepts.
any_text = st.text(
    alphabet=st.characters(exclude_categories=["Cs"]), min_size=0, max_size=300
)
# Past the fields' limits: 150 for usernames, 254 for e-mail addresses.
long_text = st.integers(140, 6000).map(lambda n: "x" * n)
hostile_text = st.one_of(st.sampled_from(HOSTILE), any_text, long_text)


# Dates at and past the edges PostgreSQL and Python can hold, written as
# forms and files write them, with and without a zone.
_offsets = st.integers(-14 * 60, 14 * 60).map(
    lambda minutes: datetime.timezone(datetime.timedelta(minutes=minutes))
)
edge_dates = st.one_of(
    st.sampled_from(
        [datetime.date(1, 1, 1), datetime.date(9999, 12, 31)]
        + [datetime.date(year, 1, 1) for year in (1899, 1900, 1999, 2000, 2076)]
    ),
    st.dates(),
)
edge_datetimes = st.builds(
    lambda day, offset, time: datetime.datetime.combine(day, time, tzinfo=offset),
    edge_dates,
    _offsets,
    st.sampled_from([datetime.time(), datetime.time(23, 59, 59)]),
)
date_text = st.one_of(
    edge_dates.map(datetime.date.isoformat),
    edge_datetimes.map(datetime.datetime.isoformat),
    edge_datetimes.map(lambda moment: moment.strftime("%Y-%m-%d %H:%M:%S")),
    st.sampled_from(["0000-00-00", "10000-01-01", "-0001-01-01", "2026-02-30"]),
    hostile_text,
)
# Numbers past every column's range, and text past every field's limit.
huge_values = st.one_of(
    st.integers(min_value=-(10**30), max_value=10**30),
    st.sampled_from([2**31, 2**63, -(2**63) - 1, 10**100, 1e308, float("inf")]),
    st.integers(10_000, 200_000).map(lambda n: "x" * n),
)


def values(*good):
    """A field's value: a good one, a hostile one, or several (repeated field)."""
    one = st.one_of(st.sampled_from(good), hostile_text) if good else hostile_text
    return st.one_of(one, st.lists(one, min_size=2, max_size=4))


def bodies(fields):
    """POST bodies with some of these fields (each maybe good), and strangers.

    `fields` maps a field name to its good values. Fields may be missing,
    repeated or joined by unknown ones.
    """
    known = st.fixed_dictionaries(
        {},
        optional={name: values(*good) for name, good in fields.items()},
    )
    strangers = st.dictionaries(
        st.one_of(st.sampled_from(HOSTILE[1:]), st.text(min_size=1, max_size=20)),
        values(),
        max_size=3,
    )
    return st.builds(lambda a, b: {**b, **a}, known, strangers)


def clean(body, placeholders=None):
    """Return the body to send: placeholders filled in, unsendable keys gone.

    Good values that only exist in the database (an option's random key)
    are drawn as placeholders such as "@0", so that Hypothesis draws the
    same data whatever the database holds, and filled in here.
    """
    placeholders = placeholders or {}

    def fill(value):
        if isinstance(value, list):
            return [fill(item) for item in value]
        return placeholders.get(value, value)

    # The test client refuses NUL in keys.
    return {
        key: fill(value) for key, value in body.items() if key and "\x00" not in key
    }


def database_state():
    """Return a digest of every row of every table."""
    digest = hashlib.sha256()
    for model in apps.get_models(include_auto_created=True):
        rows = model._base_manager.order_by("pk").values_list()
        digest.update(repr((model._meta.label, list(rows))).encode())
    return digest.hexdigest()


@contextlib.contextmanager
def rolled_back():
    """Run one example in a transaction that is always rolled back."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


def check(client, method, url, body, *, placeholders=None, accepted=(301, 302, 303)):
    """Send a request; assert no server error, and no change if rejected.

    Return the response, for checks of what an accepted input did.
    """
    before = database_state()
    send = client.post if method == "POST" else client.get
    response = send(url, clean(body, placeholders))
    assert response.status_code < 500, (url, body)
    if response.status_code not in accepted:
        assert database_state() == before, (url, body, response.status_code)
    return response


def admin_fields(model, user, obj=None):
    """Return an object and its admin form's fields with their current values.

    The values post as a browser would send them (split date and time
    included), so that an unchanged body saves; inline formsets come with
    empty management forms.
    """
    model_admin = admin.site._registry[model]
    request = RequestFactory().get("/")
    request.user = user
    if obj is None:
        obj = model._default_manager.first()
    form = model_admin.get_form(request, obj)(instance=obj)
    fields = {}
    for name in form.fields:
        value = form[name].value()
        widget = form.fields[name].widget
        if isinstance(widget, MultiWidget):
            parts = widget.decompress(value)
            for n, part in enumerate(parts):
                fields[f"{name}_{n}"] = "" if part is None else str(part)
            continue
        if isinstance(value, list | tuple):
            value = [str(item) for item in value]
        elif isinstance(value, bool):
            if not value:
                continue
            value = "on"
        fields[name] = "" if value is None else value
    for formset, _inline in model_admin.get_formsets_with_inlines(request, obj):
        prefix = formset.get_default_prefix()
        fields[f"{prefix}-TOTAL_FORMS"] = "0"
        fields[f"{prefix}-INITIAL_FORMS"] = "0"
    return obj, {
        key: value if isinstance(value, list) else str(value)
        for key, value in fields.items()
    }

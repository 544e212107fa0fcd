"""A scripted browser: one learner's cookies, and CSRF tokens from real forms."""

import html
import http.cookiejar
import re
import urllib.error
import urllib.parse
import urllib.request


class Learner:
    """A scripted browser session. Cookies ignore ports, so one learner can
    go from one app server on 127.0.0.1 to another."""

    def __init__(self, base):
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect
        )

    def get(self, path, *, base=None):
        """GET a page; `base` sends it to another server, same cookies."""
        with self.opener.open((base or self.base) + path, timeout=30) as response:
            return response.read().decode()

    def post(self, path, data, *, base=None):
        """POST a form; return where the server redirects, if it does."""
        body = urllib.parse.urlencode(data, doseq=True).encode()
        try:
            self.opener.open((base or self.base) + path, body, timeout=30).close()
        except urllib.error.HTTPError as redirect:
            if redirect.code not in (301, 302, 303):
                raise
            return redirect.headers["Location"]
        return None

    def cookie(self, name):
        return next(c.value for c in self.jar if c.name == name)

    def cookie_header(self):
        return "; ".join(f"{c.name}={c.value}" for c in self.jar)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def csrf_token(page):
    return html.unescape(
        re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)[1]
    )

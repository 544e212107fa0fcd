from django.conf import settings


def finish_response(get_response):
    """Give every response what Django has no setting or middleware for.

    It sits outermost, so static files, redirects and error pages get it too:
    - Cross-Origin-Resource-Policy keeps other sites from embedding our
      responses; Permissions-Policy turns off browser features the site
      never uses, so an injected script could not use them either;
    - X-Frame-Options for browsers too old for CSP's frame-ancestors (this
      replaces Django's XFrameOptionsMiddleware, which only covers views);
    - a response that says nothing about caching was rendered for this
      visitor (public pages say so, see page_cache), so no proxy may keep it;
    - HEAD gets GET's headers and no body, as HTTP requires: gunicorn drops
      the body too, but warns in the log for every HEAD request.
    """

    def middleware(request):
        response = get_response(request)
        response.setdefault("Cache-Control", "private, no-cache")
        response.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        response.setdefault(
            "Permissions-Policy",
            "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
        )
        if not getattr(response, "xframe_options_exempt", False):
            response.setdefault("X-Frame-Options", settings.X_FRAME_OPTIONS)
        if request.method == "HEAD" and not response.streaming:
            response.content = b""
        return response

    return middleware

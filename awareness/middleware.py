def security_headers(get_response):
    """Add the headers Django has no setting for.

    Cross-Origin-Resource-Policy keeps other sites from embedding our
    responses; Permissions-Policy turns off browser features the site never
    uses, so an injected script could not use them either. A response that
    says nothing about caching was rendered for this visitor (shared pages
    say so, see page_cache), so no proxy may keep it.
    """

    def middleware(request):
        response = get_response(request)
        response.setdefault("Cache-Control", "private, no-cache")
        response.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        response.setdefault(
            "Permissions-Policy",
            "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
        )
        return response

    return middleware


def head_without_body(get_response):
    """Answer HEAD with GET's headers and no body, as HTTP requires.

    Django's development server drops the body itself; gunicorn does too,
    but warns in the log for every HEAD request.
    """

    def middleware(request):
        response = get_response(request)
        if request.method == "HEAD" and not response.streaming:
            response.content = b""
        return response

    return middleware

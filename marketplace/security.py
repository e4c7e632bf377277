"""Security headers on every response, and the reverse proxy in front of the app.

Headers: a Content-Security-Policy without inline scripts or styles (pages load
their JavaScript and CSS from /static), nosniff, no framing, a strict referrer
policy, and in production HSTS. A response that set its own policy keeps it
(uploaded images are served with ``default-src 'none'; sandbox``). A plugin
that must send the browser elsewhere (a payment page after a form post) adds
the origin with ``csp_allow(app, "form-action", "https://...")``. A page that
embeds a video lets that one response frame its host (and show its poster)
with ``allow_frames_for_this_response("https://www.youtube-nocookie.com",
images=("https://i.ytimg.com",))``; the page cache keeps those origins with the
page (``response_sources`` / ``restore_response_sources``), so a cached copy
carries the same policy and every other page keeps the default one.

Reverse proxy: TRUSTED_PROXIES=N (the number of proxies in front of the app)
makes the client address and scheme come from the last N entries of
X-Forwarded-For / X-Forwarded-Proto (Werkzeug's ProxyFix), so rate limits count
clients rather than the proxy and redirects stay on https. PROXY_FIX_X_FOR,
PROXY_FIX_X_PROTO, PROXY_FIX_X_HOST, PROXY_FIX_X_PORT and PROXY_FIX_X_PREFIX set
each header's count on their own; X-Forwarded-Host/Port/Prefix are trusted only
when set explicitly (the proxy passes Host through).
"""

from __future__ import annotations

from flask import Flask, g, has_request_context
from werkzeug.middleware.proxy_fix import ProxyFix

DEFAULT_CSP = {
    "default-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}
STATIC_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}
PROXY_FIX_SETTINGS = ("x_for", "x_proto", "x_host", "x_port", "x_prefix")
_EXTENSION = "apik_security"


def content_security_policy(app: Flask) -> str:
    directives = app.extensions[_EXTENSION]["csp"]
    return "; ".join(f"{name} {' '.join(sources)}" for name, sources in directives.items())


def csp_allow(app: Flask, directive: str, *sources: str) -> None:
    """Let the pages use ``sources`` for ``directive`` (e.g. a payment provider's form-action origin)."""
    state = app.extensions[_EXTENSION]
    current = state["csp"].setdefault(directive, ["'self'"])
    for source in sources:
        if source not in current:
            current.append(source)
    state["header"] = content_security_policy(app)
    state["headers"] = _headers(state)


def allow_frames_for_this_response(*frame_origins: str, images: tuple[str, ...] = ()) -> None:
    """Let the response being made frame ``frame_origins`` (``frame-src``) and show images from
    ``images`` (``img-src``): only https origins, nothing else of the policy changes."""
    if not has_request_context():
        return
    extra = g.get("csp_extra") or {}
    for directive, origins in (("frame-src", frame_origins), ("img-src", images)):
        for origin in origins:
            if not origin.startswith("https://") or any(c in origin for c in " ;,'\"\n"):
                raise ValueError(f"not an https origin: {origin!r}")
            sources = extra.setdefault(directive, ())
            if origin not in sources:
                extra[directive] = (*sources, origin)
    g.csp_extra = extra


def response_sources() -> tuple[tuple[str, tuple[str, ...]], ...]:
    """The origins this response added to the policy (kept with a cached page)."""
    extra = g.get("csp_extra") if has_request_context() else None
    return tuple(sorted(extra.items())) if extra else ()


def restore_response_sources(sources: tuple[tuple[str, tuple[str, ...]], ...]) -> None:
    """A cached page served again gets the origins it was rendered with."""
    for directive, origins in sources:
        if directive == "frame-src":
            allow_frames_for_this_response(*origins)
        else:
            allow_frames_for_this_response(images=origins)


def _with_extra(state: dict, extra: dict) -> str:
    directives = {name: list(sources) for name, sources in state["csp"].items()}
    for directive, origins in extra.items():
        current = directives.setdefault(directive, ["'self'"])
        current.extend(o for o in origins if o not in current)
    return "; ".join(f"{name} {' '.join(sources)}" for name, sources in directives.items())


def _headers(state: dict) -> tuple[tuple[str, str, str], ...]:
    """(lower-case name, name, value) of every header a response gets unless it set its own."""
    pairs = [("Content-Security-Policy", state["header"]), *STATIC_HEADERS.items()]
    if state.get("hsts"):
        pairs.append(("Strict-Transport-Security", state["hsts"]))
    return tuple((name.lower(), name, value) for name, value in pairs)


def proxy_fix_counts(config) -> dict[str, int]:
    """How many proxies to trust for each X-Forwarded-* header."""
    trusted = int(config.get("TRUSTED_PROXIES") or 0)
    counts = {"x_for": trusted, "x_proto": trusted, "x_host": 0, "x_port": 0, "x_prefix": 0}
    for name in PROXY_FIX_SETTINGS:
        value = config.get(f"PROXY_FIX_{name.upper()}")
        if value is not None and value != "":
            counts[name] = int(value)
    return counts


def init_app(app: Flask) -> None:
    state = app.extensions[_EXTENSION] = {"csp": {k: list(v) for k, v in DEFAULT_CSP.items()}, "hsts": None}
    state["header"] = content_security_policy(app)
    counts = proxy_fix_counts(app.config)
    if any(counts.values()):
        app.wsgi_app = ProxyFix(app.wsgi_app, **counts)
    if app.config.get("MARKETPLACE_ENV") == "production" and app.config.get("HSTS_MAX_AGE"):
        state["hsts"] = f"max-age={int(app.config['HSTS_MAX_AGE'])}; includeSubDomains"
    state["headers"] = _headers(state)  # built once (and again by csp_allow), not per response

    @app.after_request
    def security_headers(response):
        headers = response.headers
        present = {name.lower() for name, _value in headers}  # one pass, not one search per header
        extra = g.get("csp_extra")
        for lower, name, value in state["headers"]:
            if lower not in present:
                if extra and lower == "content-security-policy":
                    value = _with_extra(state, extra)
                headers.add(name, value)
        return response

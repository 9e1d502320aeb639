"""The web layer's guard around Fava: who may ask, who may change, what a browser may run.

A WSGI middleware (`guard`) in front of the whole Fava application, its static
files and our extension included:

- a request whose `Host` is not an address Fava serves is refused (HTTP 403):
  a page elsewhere cannot reach this Fava by pointing its own name at 127.0.0.1
  (DNS rebinding);
- a request that may change something (not GET/HEAD/OPTIONS) whose `Origin`
  (or, without one, `Referer`) is another site than the one asked is refused
  (HTTP 403): another site's page cannot make the browser write the ledger;
- every response carries a Content-Security-Policy, X-Frame-Options,
  X-Content-Type-Options and Referrer-Policy.

The policy is the strictest Fava 1.30's own pages and ours work under
(tests/test_web_guard.py runs them in Chromium and listens for violations):
scripts, style sheets, fonts and requests only from Fava itself;
`wasm-unsafe-eval` for the editor's tree-sitter parser (WebAssembly, no
JavaScript eval); inline `<style>` elements (CodeMirror, in the editor and the
query page, writes its styles into one, and so does our extension's template)
and `style` attributes (Fava's dialog for a new entry and its keyboard help place
their parts with them; refused, the help's keys pile up in a corner and the
browser logs an error); `data:` images for the editor's SVG backgrounds;
frames and objects from Fava itself for its document preview; no page may
frame Fava, but a document file may be framed by Fava's own page.
Without scripts from elsewhere and with images and fonts only from Fava, an
injected `<style>` or style attribute can neither run code nor send anything
away (and a narration's markup is made text before Fava shows it:
`namndbok.plugins.texter`).
"""

from __future__ import annotations

import ipaddress
import re
from typing import Callable, Iterable
from urllib.parse import urlsplit

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
LOOPBACK_NAMES = ("localhost", "127.0.0.1", "[::1]")
DEFAULT_PORTS = (":80", ":443")

# Fava's own document files (its preview shows a PDF in an <object>, an HTML file in a sandboxed <iframe>).
DOCUMENT_PATH = re.compile(r"^/[^/]+/(document|statement)/$")


def _policy(frame_ancestors: str) -> str:
    return "; ".join((
        "default-src 'none'",
        "script-src 'self' 'wasm-unsafe-eval'",
        "style-src 'self'",
        "style-src-elem 'self' 'unsafe-inline'",
        "style-src-attr 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "frame-src 'self'",
        "object-src 'self'",
        "form-action 'self'",
        "base-uri 'none'",
        f"frame-ancestors {frame_ancestors}",
    ))


CONTENT_SECURITY_POLICY = _policy("'none'")
SECURITY_HEADERS = (
    ("Content-Security-Policy", CONTENT_SECURITY_POLICY),
    ("X-Frame-Options", "DENY"),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "same-origin"),
)
# A document file may be shown inside Fava's own page, and only there.
DOCUMENT_HEADERS = (
    ("Content-Security-Policy", _policy("'self'")),
    ("X-Frame-Options", "SAMEORIGIN"),
    *SECURITY_HEADERS[2:],
)
_OURS = {name.lower() for name, _ in SECURITY_HEADERS}


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _is_unspecified(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_unspecified
    except ValueError:
        return False


def _bracketed(host: str) -> str:
    """An IPv6 address as a Host header writes it: [::1]."""
    try:
        return f"[{host}]" if ipaddress.ip_address(host).version == 6 else host
    except ValueError:
        return host


def _without_default_port(netloc: str) -> str:
    netloc = netloc.strip().lower()
    for port in DEFAULT_PORTS:
        if netloc.endswith(port):
            return netloc[: -len(port)]
    return netloc


def served_hosts(host: str, port: int, extra: Iterable[str] = ()) -> frozenset[str]:
    """The `Host` values Fava answers to, listening on `host`:`port`.

    On a loopback address: localhost, 127.0.0.1 and [::1] (and `host` itself).
    On another address: that address; on every address (0.0.0.0, ::) also the
    loopback names. `extra` adds names (a reverse proxy's `Host`): a name with a
    port as given, one without both bare and with Fava's port.
    """
    names = {_bracketed(host.lower())}
    if is_loopback(host) or _is_unspecified(host):
        names.update(LOOPBACK_NAMES)
    hosts = {f"{name}:{port}" for name in names}
    for name in extra:
        name = _bracketed(name.strip().lower())
        hosts.add(name)
        if not name.rsplit("]", 1)[-1].count(":"):
            hosts.add(f"{name}:{port}")
    return frozenset(_without_default_port(h) for h in hosts)


def refusal(environ: dict, hosts: frozenset[str]) -> str | None:
    """Why this request is refused (Swedish, for the person at the browser), or None."""
    host = environ.get("HTTP_HOST", "")
    if _without_default_port(host) not in hosts:
        return (f"Nämndbok svarar inte på adressen ”{host[:100]}”. Öppna Fava på adressen som "
                "`namndbok fava` skrev ut, eller lägg till namnet med --tillat-vard.")
    if environ.get("REQUEST_METHOD", "GET").upper() in SAFE_METHODS:
        return None
    source = environ.get("HTTP_ORIGIN") or environ.get("HTTP_REFERER")
    if source is None:
        return None
    parts = urlsplit(source)
    if parts.scheme not in ("http", "https") or _without_default_port(parts.netloc) != _without_default_port(host):
        return (f"Ändringen kom från en annan webbplats (”{source[:100]}”) och gjordes inte. "
                "Ändra bara från Favas egna sidor.")
    return None


def guard(app: Callable, hosts: frozenset[str]) -> Callable:
    """`app` behind the refusals above, every response with SECURITY_HEADERS (a document file
    with DOCUMENT_HEADERS)."""

    def guarded(environ, start_response):
        ours = DOCUMENT_HEADERS if DOCUMENT_PATH.match(environ.get("PATH_INFO", "")) else SECURITY_HEADERS

        def start(status, headers, exc_info=None):
            kept = [(name, value) for name, value in headers if name.lower() not in _OURS]
            return start_response(status, kept + list(ours), exc_info)

        reason = refusal(environ, hosts)
        if reason is None:
            return app(environ, start)
        body = (reason + "\n").encode("utf-8")
        start("403 Forbidden", [("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", str(len(body)))])
        return [body]

    return guarded

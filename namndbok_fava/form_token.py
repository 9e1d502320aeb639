"""A token per form, so that only a form this Fava served can write (CSRF).

The guard in front of Fava (`namndbok.scripts.web_guard`) already refuses a
changing request from another site (its Origin or Referer); the token is the
second lock, for a request that carries neither: every form that writes gets a
token, an HMAC of a secret made when the process starts, the form's name and
unit (e.g. the ledger and the verksamhet) and the time it was issued. A POST is
answered only when its token is one this process issued for that form and unit,
less than `LIFETIME` seconds ago. A restarted Fava has a new secret: a form
opened before asks to be reloaded.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time

SECRET = secrets.token_bytes(32)  # per process: never written anywhere
LIFETIME = 12 * 3600  # a working day: a form left open over lunch still submits


def _mac(secret: bytes, form: str, unit: str, issued: int) -> str:
    return hmac.new(secret, f"{form}\x00{unit}\x00{issued}".encode("utf-8"), hashlib.sha256).hexdigest()


def make_token(form: str, unit: str, now: float | None = None, secret: bytes = SECRET) -> str:
    issued = int(time.time() if now is None else now)
    return f"{issued}.{_mac(secret, form, unit, issued)}"


def valid_token(token: str | None, form: str, unit: str, now: float | None = None, secret: bytes = SECRET) -> bool:
    """True when `token` was made by `make_token(form, unit)` with this secret, within LIFETIME."""
    issued_text, _, mac = (token or "").partition(".")
    if not issued_text.isdigit() or not mac:
        return False
    issued = int(issued_text)
    now = time.time() if now is None else now
    if not 0 <= now - issued <= LIFETIME:
        return False
    return hmac.compare_digest(mac, _mac(secret, form, unit, issued))

"""Who is asking: sign-in cookies, API tokens, CSRF, failed-sign-in limits, headers.

A browser signs in with a session cookie (random, HttpOnly, SameSite=Lax, Secure unless
turned off); each session has a CSRF token that every form and every script request that
changes something must send back (OWASP CSRF cheat sheet: synchroniser token pattern).
Scripts send ``Authorization: Bearer <token>`` instead and need no CSRF token. Failed
sign-ins are limited per address and per account (OWASP authentication cheat sheet).
"""

from __future__ import annotations

import hmac
import threading
import time
from collections import deque
from dataclasses import dataclass

from fastapi import HTTPException, Request

from stridelab.store.accounts import Accounts, User

COOKIE = "stridelab_session"
CSRF_HEADER = "X-CSRF-Token"
#: Pages: scripts and styles from this server only; no framing by others, no plugins.
CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
       "img-src 'self' data:; media-src 'self'; connect-src 'self'; frame-src 'self'; "
       "frame-ancestors 'self'; object-src 'none'; base-uri 'none'; form-action 'self'")
#: The report as an analysis wrote it: no scripts at all (as its own meta tag says).
REPORT_CSP = ("default-src 'none'; style-src 'unsafe-inline'; img-src data:; media-src 'self'; "
              "frame-ancestors 'self'; base-uri 'none'; form-action 'none'")
HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "SAMEORIGIN",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}
UNSAFE = ("POST", "PUT", "PATCH", "DELETE")


@dataclass(frozen=True)
class Caller:
    """A signed-in user, how they signed in, and their session's CSRF token (browsers)."""

    user: User
    via: str  # "cookie" or "token"
    csrf_token: str | None = None
    session_token: str | None = None


class LoginLimiter:
    """At most ``attempts`` failed sign-ins per key (address, account) within ``window_s``."""

    def __init__(self, attempts: int, window_s: float) -> None:
        self.attempts, self.window_s = attempts, window_s
        self.failures: dict[str, deque[float]] = {}
        self.swept = time.monotonic()
        self.lock = threading.Lock()

    def _recent(self, key: str, now: float) -> deque[float]:
        """The key's failures within the window.

        A key without any is forgotten: kept, every address and account name ever tried
        would stay in memory.
        """
        times = self.failures.get(key, deque())
        while times and times[0] < now - self.window_s:
            times.popleft()
        if not times:
            self.failures.pop(key, None)
        return times

    def retry_after(self, *keys: str) -> float:
        """Seconds until a sign-in may be tried again (0: now)."""
        now = time.monotonic()
        with self.lock:
            return self._wait(keys, now)

    def _wait(self, keys: tuple[str, ...], now: float) -> float:
        recent = [self._recent(k, now) for k in keys]
        return max((times[0] + self.window_s - now for times in recent
                    if len(times) >= self.attempts), default=0.0)

    def attempt(self, *keys: str) -> float:
        """Before checking a password: the wait (> 0: refuse), else count it as failed.

        The attempt is counted before the (slow) password check, in the same locked step
        as the test, so that many guesses sent at once cannot all pass the test first;
        :meth:`succeeded` takes it back when the password was right.
        """
        now = time.monotonic()
        with self.lock:
            wait = self._wait(keys, now)
            if wait > 0:
                return wait
            self._record(keys, now)
        return 0.0

    def failed(self, *keys: str) -> None:
        """Count a failed sign-in against each key."""
        with self.lock:
            self._record(keys, time.monotonic())

    def _record(self, keys: tuple[str, ...], now: float) -> None:
        if now - self.swept > self.window_s:  # forget keys whose failures all expired
            for key in list(self.failures):
                self._recent(key, now)
            self.swept = now
        for key in keys:
            self.failures[key] = self._recent(key, now)
            self.failures[key].append(now)

    def succeeded(self, account: str, address: str | None = None) -> None:
        """A right password: forget the account's failures, take back the address's attempt."""
        with self.lock:
            self.failures.pop(account, None)
            times = self.failures.get(address) if address else None
            if times:
                times.pop()
                if not times:
                    self.failures.pop(address, None)


def caller(request: Request) -> Caller | None:
    """The signed-in caller of a request, or ``None``."""
    accounts: Accounts = request.app.state.accounts
    auth = request.headers.get("authorization", "")
    if auth.lower().startswith("bearer "):
        user = accounts.token_user(auth[7:].strip())
        return Caller(user, "token") if user else None
    token = request.cookies.get(COOKIE)
    if token:
        session = accounts.session(token)
        if session is not None:
            return Caller(session.user, "cookie", session.csrf_token, token)
    return None


def check_csrf(request: Request, who: Caller, form_token: str | None = None) -> None:
    """Refuse (403) a cookie-signed change without its session's CSRF token."""
    if who.via != "cookie" or request.method not in UNSAFE:
        return
    sent = form_token or request.headers.get(CSRF_HEADER) or ""
    if not hmac.compare_digest(sent.encode(), (who.csrf_token or "").encode()):
        raise HTTPException(403, "missing or wrong CSRF token: reload the page and try again")


async def require_user(request: Request) -> Caller:
    """FastAPI dependency: the signed-in caller (401 otherwise); CSRF-checked for changes.

    A form's CSRF token (field ``csrf_token``) is read from the form when there is no
    header; uploads from the pages send the header.
    """
    who = caller(request)
    if who is None:
        raise HTTPException(401, "sign in first", headers={"WWW-Authenticate": "Bearer"})
    if who.via == "cookie" and request.method in UNSAFE:
        form_token = None
        if CSRF_HEADER.lower() not in request.headers and request.headers.get(
                "content-type", "").startswith("application/x-www-form-urlencoded"):
            form_token = (await request.form()).get("csrf_token")
        check_csrf(request, who, form_token if isinstance(form_token, str) else None)
    request.state.caller = who
    return who

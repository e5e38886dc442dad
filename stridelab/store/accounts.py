"""Accounts of the web app: users and their roles, athletes, sign-in sessions, API tokens.

Who may see an athlete is decided here, in one place (:meth:`Accounts.athlete_for`): a
runner sees the athlete that is their own account, a clinician the athletes they look after,
an admin every athlete. Anything else is answered as if it did not exist, so an id tells
nobody whether another user's object is there.

Passwords are hashed with Argon2id (``argon2-cffi``, RFC 9106's recommended parameters);
session and API tokens are random (``secrets``) and only their SHA-256 is stored.
"""

from __future__ import annotations

import hashlib
import secrets
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import bindparam, delete, func, insert, or_, select, update
from sqlalchemy.exc import IntegrityError

from stridelab.errors import StridelabError
from stridelab.store import schema
from stridelab.store.db import ActivityStore
from stridelab.store.engine import writing

ROLES = ("runner", "clinician", "admin")
#: Shortest password accepted (NIST SP 800-63B, 5.1.1.2: at least 8 characters).
MIN_PASSWORD = 8
SESSION_S = 12 * 3600.0
_HASHER = PasswordHasher()

U = schema.user_account
AT = schema.athlete


#: Who may see which athletes, per role: a condition on the athlete table with the user's
#: id bound as ``user_id`` (an admin every athlete; a clinician those they look after and
#: their own; a runner their own).
_VISIBLE = {
    "admin": AT.c.id.is_not(None),
    "clinician": or_(AT.c.clinician_id == bindparam("user_id"),
                     AT.c.user_id == bindparam("user_id")),
    "runner": AT.c.user_id == bindparam("user_id"),
}
# The queries of every request (who is signed in, may they see this athlete), built once:
# SQLAlchemy then only binds the values (a query built per call costs ~0.3 ms more).
_ATHLETE_FOR = {role: select(AT).where(AT.c.id == bindparam("athlete_id"), visible)
                for role, visible in _VISIBLE.items()}
_ATHLETES = {role: select(AT).where(visible).order_by(AT.c.name, AT.c.id)
             for role, visible in _VISIBLE.items()}
_SESSION = (select(schema.web_session.c.csrf_token, U)
            .join(U, U.c.id == schema.web_session.c.user_id)
            .where(schema.web_session.c.token_hash == bindparam("token_hash"),
                   schema.web_session.c.expires_at > bindparam("now")))


class NotFoundError(StridelabError):
    """No such object, or one the user may not see (the two are not told apart)."""


@dataclass(frozen=True)
class User:
    """A signed-up person: ``role`` is ``runner``, ``clinician`` or ``admin``."""

    id: int
    email: str
    name: str
    role: str


@dataclass(frozen=True)
class Athlete:
    """A runner whose data is kept.

    ``user_id`` is their own account (if any), ``clinician_id`` who looks after them.
    """

    id: int
    name: str
    user_id: int | None
    clinician_id: int | None
    height_m: float | None


@dataclass(frozen=True)
class WebSession:
    """A signed-in browser: the cookie's token (shown once) and its CSRF token."""

    token: str
    user: User
    csrf_token: str


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _user(row) -> User:
    return User(id=row.id, email=row.email, name=row.name, role=row.role)


def _athlete(row) -> Athlete:
    return Athlete(id=row.id, name=row.name, user_id=row.user_id,
                   clinician_id=row.clinician_id, height_m=row.height_m)


def normal_email(email: str) -> str:
    """The address as stored: trimmed and lower case; refused when it cannot be one."""
    email = email.strip().lower()
    if "@" not in email or len(email) > 254 or any(c.isspace() for c in email):
        raise StridelabError(f"{email!r} is not an e-mail address")
    return email


class Accounts:
    """Users, athletes, sessions and tokens in the stridelab database.

    Parameters
    ----------
    db
        SQLite file or database URL (see :class:`~stridelab.store.db.ActivityStore`).
    """

    def __init__(self, db: str | Path | None = None) -> None:
        self.store = ActivityStore(db)
        self.engine = self.store.engine

    # -- users ------------------------------------------------------------------------------

    def count_users(self) -> int:
        """Return how many accounts exist (none: the first one may be created)."""
        with self.engine.connect() as conn:
            return int(conn.execute(select(func.count()).select_from(U)).scalar_one())

    def add_user(self, email: str, name: str, role: str, password: str,
                 athlete_height_m: float | None = None) -> User:
        """Create an account; a runner also gets their own athlete record.

        Raises
        ------
        StridelabError
            For an unknown role, a short password or an address already used.
        """
        if role not in ROLES:
            raise StridelabError(f"role must be one of {', '.join(ROLES)}, got {role!r}")
        if len(password) < MIN_PASSWORD:
            raise StridelabError(f"the password needs at least {MIN_PASSWORD} characters")
        email = normal_email(email)
        name = name.strip() or email.split("@")[0]
        try:
            with writing(self.engine).begin() as conn:
                user_id = conn.execute(insert(U).values(
                    email=email, name=name[:200], role=role, created_at=_now(),
                    password_hash=_HASHER.hash(password)).returning(U.c.id)).scalar_one()
                if role == "runner":
                    conn.execute(insert(AT).values(name=name[:200], user_id=user_id,
                                                   height_m=athlete_height_m,
                                                   created_at=_now()))
        except IntegrityError as exc:
            raise StridelabError(f"an account for {email} already exists") from exc
        return User(id=user_id, email=email, name=name, role=role)

    def users(self) -> list[User]:
        """Every account, by e-mail address."""
        with self.engine.connect() as conn:
            return [_user(r) for r in conn.execute(select(U).order_by(U.c.email))]

    def user(self, user_id: int) -> User:
        """One account by id."""
        with self.engine.connect() as conn:
            row = conn.execute(select(U).where(U.c.id == user_id)).first()
        if row is None:
            raise NotFoundError(f"no user {user_id}")
        return _user(row)

    def check_password(self, email: str, password: str) -> User | None:
        """The user when the password is theirs, else ``None`` (same work either way)."""
        try:
            email = normal_email(email)
        except StridelabError:
            email = ""
        with self.engine.connect() as conn:
            row = conn.execute(select(U).where(U.c.email == email)).first()
        stored = row.password_hash if row is not None else _DUMMY_HASH
        try:
            _HASHER.verify(stored, password)
        except (VerificationError, InvalidHashError):
            return None
        if row is None:
            return None
        if _HASHER.check_needs_rehash(stored):
            with writing(self.engine).begin() as conn:
                conn.execute(update(U).where(U.c.id == row.id)
                             .values(password_hash=_HASHER.hash(password)))
        return _user(row)

    def set_password(self, user_id: int, password: str) -> None:
        """Change a password; every session of the user is signed out."""
        if len(password) < MIN_PASSWORD:
            raise StridelabError(f"the password needs at least {MIN_PASSWORD} characters")
        with writing(self.engine).begin() as conn:
            conn.execute(update(U).where(U.c.id == user_id)
                         .values(password_hash=_HASHER.hash(password)))
            conn.execute(delete(schema.web_session)
                         .where(schema.web_session.c.user_id == user_id))

    # -- athletes ---------------------------------------------------------------------------

    def add_athlete(self, name: str, clinician_id: int | None = None,
                    height_m: float | None = None, user_id: int | None = None) -> Athlete:
        """Record an athlete (a clinician's, or a runner's own)."""
        name = name.strip()
        if not name:
            raise StridelabError("the athlete needs a name")
        if height_m is not None and not 1.0 <= height_m <= 2.5:
            raise StridelabError(f"height {height_m:g} m is not a person's height (1.0-2.5 m)")
        with writing(self.engine).begin() as conn:
            athlete_id = conn.execute(insert(AT).values(
                name=name[:200], clinician_id=clinician_id, user_id=user_id,
                height_m=height_m, created_at=_now()).returning(AT.c.id)).scalar_one()
        return Athlete(athlete_id, name[:200], user_id, clinician_id, height_m)

    def update_athlete(self, athlete_id: int, **changes) -> Athlete:
        """Change an athlete's ``name`` or ``height_m`` (checked as :meth:`add_athlete` does)."""
        values = {}
        if "name" in changes:
            name = (changes["name"] or "").strip()
            if not name:
                raise StridelabError("the athlete needs a name")
            values["name"] = name[:200]
        if "height_m" in changes:
            height = changes["height_m"]
            if height is not None and not 1.0 <= height <= 2.5:
                raise StridelabError(f"height {height:g} m is not a person's height (1.0-2.5 m)")
            values["height_m"] = height
        with writing(self.engine).begin() as conn:
            if values:
                conn.execute(update(AT).where(AT.c.id == athlete_id).values(**values))
            row = conn.execute(select(AT).where(AT.c.id == athlete_id)).first()
        if row is None:
            raise NotFoundError(f"no athlete {athlete_id}")
        return _athlete(row)

    @staticmethod
    def _role(user: User) -> str:
        """The user's role as the access rules know it (anything unknown: a runner's)."""
        return user.role if user.role in _VISIBLE else "runner"

    def athletes(self, user: User) -> list[Athlete]:
        """The athletes ``user`` may see, by name."""
        with self.engine.connect() as conn:
            rows = conn.execute(_ATHLETES[self._role(user)], {"user_id": user.id})
            return [_athlete(r) for r in rows]

    def athlete_for(self, user: User, athlete_id: int) -> Athlete:
        """One athlete, when ``user`` may see them; :class:`NotFoundError` otherwise."""
        with self.engine.connect() as conn:
            row = conn.execute(_ATHLETE_FOR[self._role(user)],
                               {"athlete_id": athlete_id, "user_id": user.id}).first()
        if row is None:
            raise NotFoundError(f"no athlete {athlete_id}")
        return _athlete(row)

    def own_athlete(self, user: User) -> Athlete | None:
        """The athlete record that is ``user`` themselves (a runner's), if any."""
        with self.engine.connect() as conn:
            row = conn.execute(select(AT).where(AT.c.user_id == user.id)
                               .order_by(AT.c.id)).first()
        return _athlete(row) if row is not None else None

    # -- sessions ---------------------------------------------------------------------------

    def start_session(self, user: User, lifetime_s: float = SESSION_S) -> WebSession:
        """A new sign-in: a random cookie token and CSRF token."""
        token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
        now = time.time()
        with writing(self.engine).begin() as conn:
            conn.execute(delete(schema.web_session)
                         .where(schema.web_session.c.expires_at < now))
            conn.execute(insert(schema.web_session).values(
                token_hash=_digest(token), user_id=user.id, csrf_token=csrf,
                created_at=now, expires_at=now + lifetime_s))
        return WebSession(token, user, csrf)

    def session(self, token: str) -> WebSession | None:
        """The signed-in session of a cookie token, unless expired or signed out."""
        with self.engine.connect() as conn:
            row = conn.execute(_SESSION, {"token_hash": _digest(token),
                                          "now": time.time()}).first()
        if row is None:
            return None
        return WebSession(token, _user(row), row.csrf_token)

    def end_session(self, token: str) -> None:
        """Sign out."""
        with writing(self.engine).begin() as conn:
            conn.execute(delete(schema.web_session)
                         .where(schema.web_session.c.token_hash == _digest(token)))

    # -- API tokens -------------------------------------------------------------------------

    def add_token(self, user: User, name: str) -> tuple[int, str]:
        """A new API token for scripts: its id and the token (shown once, never stored)."""
        token = "slt_" + secrets.token_urlsafe(32)
        with writing(self.engine).begin() as conn:
            token_id = conn.execute(insert(schema.api_token).values(
                user_id=user.id, name=(name.strip() or "script")[:200],
                token_hash=_digest(token), created_at=_now(),
            ).returning(schema.api_token.c.id)).scalar_one()
        return token_id, token

    def tokens(self, user: User) -> list[dict]:
        """The user's tokens (id, name, created, last used): never the tokens themselves."""
        T = schema.api_token
        with self.engine.connect() as conn:
            rows = conn.execute(select(T.c.id, T.c.name, T.c.created_at, T.c.last_used_at)
                                .where(T.c.user_id == user.id).order_by(T.c.id))
            return [dict(r._mapping) for r in rows]

    def token_user(self, token: str) -> User | None:
        """The user an API token belongs to."""
        T = schema.api_token
        with writing(self.engine).begin() as conn:
            # the token's id under its own name: ``row.id`` is the user's
            row = conn.execute(select(T.c.id.label("token_id"), U)
                               .join(U, U.c.id == T.c.user_id)
                               .where(T.c.token_hash == _digest(token))).first()
            if row is None:
                return None
            conn.execute(update(T).where(T.c.id == row.token_id).values(last_used_at=_now()))
        return _user(row)

    def revoke_token(self, user: User, token_id: int) -> None:
        """Delete one of the user's tokens."""
        T = schema.api_token
        with writing(self.engine).begin() as conn:
            gone = conn.execute(delete(T).where(T.c.id == token_id, T.c.user_id == user.id))
        if gone.rowcount == 0:
            raise NotFoundError(f"no token {token_id}")


_DUMMY_HASH = _HASHER.hash(secrets.token_urlsafe(16))

"""People who may sign in: viewer (board member), analyst, admin (data officer). Passwords are only ever hashed."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import Engine, delete, insert, select, update
from werkzeug.security import check_password_hash, generate_password_hash

from dashboard import store

ROLES = ("viewer", "analyst", "admin")
MIN_PASSWORD_LENGTH = 12
_USERNAME = re.compile(r"^[a-z0-9][a-z0-9._@-]{1,79}$")


class UserError(ValueError):
    """A user change that cannot be made, with the reason in plain words."""


@dataclass(frozen=True)
class User:
    username: str
    role: str


def _check_username(username: str) -> str:
    name = username.strip().lower()
    if not _USERNAME.match(name):
        raise UserError("a username is 2–80 characters: letters, digits, '.', '_', '@' or '-'")
    return name


def _check_role(role: str) -> str:
    if role not in ROLES:
        raise UserError(f"role must be one of {', '.join(ROLES)}")
    return role


def _check_password(password: str) -> str:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise UserError(f"a password needs at least {MIN_PASSWORD_LENGTH} characters")
    return password


def add(engine: Engine, *, username: str, password: str, role: str) -> User:
    name, role = _check_username(username), _check_role(role)
    hashed = generate_password_hash(_check_password(password), method="scrypt")
    with engine.begin() as conn:
        if conn.execute(select(store.users.c.id).where(store.users.c.username == name)).first():
            raise UserError(f"user {name!r} already exists")
        conn.execute(
            insert(store.users).values(
                username=name, password_hash=hashed, role=role, created_at=store.now(), updated_at=store.now()
            )
        )
    return User(name, role)


def remove(engine: Engine, *, username: str) -> None:
    with engine.begin() as conn:
        gone = conn.execute(delete(store.users).where(store.users.c.username == _check_username(username))).rowcount
    if not gone:
        raise UserError(f"no user {username!r}")


def set_role(engine: Engine, *, username: str, role: str) -> User:
    name, role = _check_username(username), _check_role(role)
    with engine.begin() as conn:
        changed = conn.execute(
            update(store.users).where(store.users.c.username == name).values(role=role, updated_at=store.now())
        ).rowcount
    if not changed:
        raise UserError(f"no user {username!r}")
    return User(name, role)


def list_users(engine: Engine) -> list[User]:
    with engine.connect() as conn:
        rows = conn.execute(select(store.users.c.username, store.users.c.role).order_by(store.users.c.username))
        return [User(name, role) for name, role in rows]


def authenticate(engine: Engine, *, username: str, password: str) -> User | None:
    """The user when the password matches, else None (the same answer for an unknown name)."""
    try:
        name = _check_username(username)
    except UserError:
        return None
    with engine.connect() as conn:
        row = conn.execute(
            select(store.users.c.password_hash, store.users.c.role).where(store.users.c.username == name)
        ).first()
    if row is None:
        check_password_hash(generate_password_hash("timing-equaliser", method="scrypt"), password)
        return None
    return User(name, row.role) if check_password_hash(row.password_hash, password) else None


def find(engine: Engine, *, username: str) -> User | None:
    """The user with this name, or None (a removed user's session ends on its next request)."""
    try:
        name = _check_username(username)
    except UserError:
        return None
    with engine.connect() as conn:
        role = conn.execute(select(store.users.c.role).where(store.users.c.username == name)).scalar()
    return None if role is None else User(name, role)

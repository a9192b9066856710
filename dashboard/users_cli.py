"""`python -m dashboard users add|remove|set-role|list`: who may sign in, and with which role."""

from __future__ import annotations

import getpass
import sys

import click

from dashboard import audit, store, users
from dashboard.config import Settings


def _engine():  # type: ignore[no-untyped-def]
    engine = store.make_engine(Settings.from_env().database_url)
    if not store.is_initialised(engine):
        click.echo("Error: the store is empty: run `python -m dashboard init` first", err=True)
        sys.exit(2)
    store.upgrade(engine)
    return engine


def _run(action):  # type: ignore[no-untyped-def]
    try:
        return action()
    except users.UserError as exc:
        click.echo(f"Error: {exc}", err=True)
        sys.exit(2)


def _who() -> str:
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli"


def _audit(action: str, detail: str) -> None:
    engine = store.make_engine(Settings.from_env().database_url)
    try:
        audit.record(engine, username=_who(), action=action, detail=detail)
    finally:
        engine.dispose()


@click.group("users", help="Manage who may sign in: viewer, analyst or admin.")
def users_command() -> None:
    pass


@users_command.command("add", help="Add a user; the password is asked for (or read from standard input).")
@click.argument("username")
@click.option("--role", type=click.Choice(users.ROLES), required=True)
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input (for scripts).")
def add(username: str, role: str, password_stdin: bool) -> None:
    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    user = _run(lambda: users.add(_engine(), username=username, password=password, role=role))
    _audit(audit.USER_ADD, f"{user.username} as {user.role}")
    click.echo(f"Added {user.username} ({user.role}).")


@users_command.command("remove", help="Remove a user.")
@click.argument("username")
def remove(username: str) -> None:
    _run(lambda: users.remove(_engine(), username=username))
    _audit(audit.USER_REMOVE, username)
    click.echo(f"Removed {username}.")


@users_command.command("set-role", help="Change a user's role.")
@click.argument("username")
@click.argument("role", type=click.Choice(users.ROLES))
def set_role(username: str, role: str) -> None:
    user = _run(lambda: users.set_role(_engine(), username=username, role=role))
    _audit(audit.USER_SET_ROLE, f"{user.username} is now {user.role}")
    click.echo(f"{user.username} is now {user.role}.")


@users_command.command("list", help="List users and their roles.")
def list_command() -> None:
    for user in users.list_users(_engine()):
        click.echo(f"{user.username}\t{user.role}")

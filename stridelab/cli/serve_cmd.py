"""``stridelab serve`` (the web app), ``stridelab user`` (accounts) and ``stridelab db``."""

from __future__ import annotations

import getpass
import os
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from stridelab.cli import options as opt
from stridelab.errors import StridelabError

DbOption = opt.db_option()
users_app = typer.Typer(help="Accounts of the web app.", no_args_is_help=True, cls=opt.Group)
db_app = typer.Typer(help="The database itself.", no_args_is_help=True, cls=opt.Group)


def serve(
    host: Annotated[str, typer.Option("--host", metavar="ADDRESS",
                                      help="Address to listen on (keep 127.0.0.1 behind a "
                                      "reverse proxy).")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=1, max=65535, metavar=opt.N,
                                      help="Port.")] = 8000,
    db: DbOption = None,
    data_dir: Annotated[Path | None, typer.Option(
        "--data-dir", envvar="STRIDELAB_DATA_DIR", metavar=opt.FOLDER,
        help="Uploaded files and results (default: the user's data directory).")] = None,
    workers: Annotated[int, typer.Option("--workers", min=1, max=64, metavar=opt.N,
                                         help="Analyses run at once.")] = 2,
    max_upload_mb: Annotated[float, typer.Option("--max-upload-mb", min=1, metavar=opt.NUMBER,
                                                 help="Largest upload (MB).")] = 500.0,
    secure_cookies: Annotated[bool, typer.Option(
        "--secure-cookies/--no-secure-cookies",
        help="Sign-in cookie over HTTPS only (browsers treat localhost as secure).")] = True,
) -> None:
    """Start the web app: upload, analyses, reports, history, for runners and clinics."""
    import uvicorn

    from stridelab.web import Settings, create_app

    settings = Settings(db=db, max_jobs=workers, max_upload_mb=max_upload_mb,
                        secure_cookies=secure_cookies,
                        **({"data_dir": data_dir} if data_dir else {}))
    app = create_app(settings)
    console = Console(highlight=False)
    from stridelab.store.accounts import Accounts
    from stridelab.store.engine import describe

    shown = "localhost" if host in ("127.0.0.1", "::1") else host
    console.print(f"stridelab {settings.db and describe(settings.db)} · data in "
                  f"{settings.data_dir}")
    if Accounts(settings.db).count_users() == 0:
        console.print(f"no account yet: open http://{shown}:{port}/ to create the first "
                      "(admin), or run `stridelab user add EMAIL --role admin`")
    console.print(f"serving on http://{shown}:{port}/ (Ctrl+C stops)")
    uvicorn.run(app, host=host, port=port, proxy_headers=True, log_level="warning",
                timeout_graceful_shutdown=5)


@users_app.command("add", cls=opt.Command)
def user_add(
    email: Annotated[str, typer.Argument(metavar="EMAIL", help="The account's e-mail address.")],
    role: Annotated[str, typer.Option("--role", metavar="ROLE",
                                      help="runner, clinician or admin.")] = "runner",
    name: Annotated[str, typer.Option("--name", metavar="NAME", help="Shown name.")] = "",
    db: DbOption = None,
) -> None:
    """Create an account; the password is asked for (or read from $STRIDELAB_PASSWORD)."""
    from stridelab.store.accounts import Accounts

    password = os.environ.get("STRIDELAB_PASSWORD") or getpass.getpass("Password: ")
    user = Accounts(db).add_user(email, name, role, password)
    Console(highlight=False).print(f"created {user.role} account {user.email} (id {user.id})")


@users_app.command("list", cls=opt.Command)
def user_list(db: DbOption = None) -> None:
    """List the accounts."""
    from stridelab.store.accounts import Accounts

    console = Console(highlight=False)
    users = Accounts(db).users()
    if not users:
        console.print("no accounts yet")
    for user in users:
        console.print(f"{user.id:>4}  {user.role:<9}  {user.email}  {user.name}")


@users_app.command("password", cls=opt.Command)
def user_password(
    email: Annotated[str, typer.Argument(metavar="EMAIL", help="The account's e-mail address.")],
    db: DbOption = None,
) -> None:
    """Set a new password (signs the account out everywhere)."""
    from stridelab.store.accounts import Accounts, normal_email

    accounts = Accounts(db)
    match = [u for u in accounts.users() if u.email == normal_email(email)]
    if not match:
        raise StridelabError(f"no account {email}")
    password = os.environ.get("STRIDELAB_PASSWORD") or getpass.getpass("New password: ")
    accounts.set_password(match[0].id, password)
    Console(highlight=False).print(f"password changed for {match[0].email}")


@db_app.command("upgrade", cls=opt.Command)
def db_upgrade(db: DbOption = None) -> None:
    """Bring the database's schema up to date (also done whenever it is opened)."""
    from stridelab.store.db import ActivityStore

    store = ActivityStore(db)
    Console(highlight=False).print(f"{store.path}: schema version {store.version}")

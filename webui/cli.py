"""The `contractflow` command: init-db, demo, deploy-processes, worker, beat, and Flask's own."""

from __future__ import annotations

from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import FlaskGroup, with_appcontext

from webui.extensions import db


def upgrade_database(app: Flask) -> None:
    """Run the Alembic migrations to head, reference data, and deploy shipped processes."""
    from alembic import command

    from contracts import audit
    from contracts.core.reference_data import ensure_reference_data
    from contracts.process_admin.service import deploy_shipped
    from contracts.templates.library import load_template_library
    from webui.config import REPO_ROOT
    from webui.migrations import alembic_config

    url = app.config["SQLALCHEMY_DATABASE_URI"]
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    command.upgrade(alembic_config(url), "head")
    # Entries hashed before the log was keyed are sealed once, with the audit key.
    audit.seal_legacy(db.session)
    ensure_reference_data(db.session)
    load_template_library(db.session, REPO_ROOT / "templates" / "contracts")
    deploy_shipped(db.session, app.config["PROCESSES_DIR"], by="system")
    db.session.commit()


@click.command("init-db")
@with_appcontext
def init_db_command() -> None:
    """Create or upgrade the database, then deploy the shipped processes."""
    upgrade_database(current_app._get_current_object())  # type: ignore[attr-defined]
    click.echo("database is at the newest schema; shipped processes deployed")


@click.command("deploy-processes")
@with_appcontext
@click.option("--directory", type=click.Path(exists=True, file_okay=False, path_type=Path))
def deploy_processes_command(directory: Path | None) -> None:
    """Deploy the BPMN/DMN files of a directory (default: processes/) as new versions."""
    from contracts.process_admin.service import deploy_shipped

    deployed = deploy_shipped(
        db.session, directory or current_app.config["PROCESSES_DIR"], by="cli"
    )
    db.session.commit()
    for definition in deployed:
        click.echo(f"{definition.key} v{definition.version} ({definition.checksum[:12]})")


@click.command("demo")
@with_appcontext
def demo_command() -> None:
    """Load the demo departments, users and sample contracts (idempotent); print the accounts."""
    from contracts.demo.contracts import load_sample_contracts
    from contracts.demo.seed import DEMO_PASSWORD, USERS, load_demo_data
    from webui.settings import approval_settings, form_library
    from webui.wiring import engine_environment

    created = load_demo_data(db.session)
    db.session.commit()
    samples = load_sample_contracts(
        db.session, approval_settings(), form_library(), engine_environment()
    )
    db.session.commit()
    click.echo(
        f"demo data ready ({len(created)} user(s), {len(samples)} sample contract(s) created)."
        " Sign in at /login with:"
    )
    for username, (_, roles, dept) in USERS.items():
        click.echo(
            f"  {username:<11} {'/'.join(map(str, roles)):<22} {dept or '-':<12} "
            f"password {DEMO_PASSWORD}"
        )


@click.command("rotate-master-key")
@with_appcontext
def rotate_master_key_command() -> None:
    """Re-wrap every document's data key under a new master key (files are not re-encrypted)."""
    from webui.documents.rotation import rotate_master_key

    click.echo(rotate_master_key())


@click.group("audit")
def audit_group() -> None:
    """Verify the audit log, sign a checkpoint, seal entries from before the audit key."""


@audit_group.command("verify")
@with_appcontext
def audit_verify_command() -> None:
    """Walk the whole audit log: print ok, or the first broken entry (exit code 1)."""
    from contracts import audit

    report = audit.verify_chain(db.session)
    db.session.rollback()
    click.echo(report.describe())
    if not report.ok:
        raise SystemExit(1)


@audit_group.command("checkpoint")
@with_appcontext
def audit_checkpoint_command() -> None:
    """Sign the audit log's current count and head now."""
    from contracts import audit

    written = audit.checkpoint(db.session, force=True)
    db.session.commit()
    click.echo(
        f"checkpoint #{written.id}: {written.entry_count} entries"
        if written
        else "the audit log is empty; nothing to sign"
    )


@audit_group.command("seal")
@with_appcontext
def audit_seal_command() -> None:
    """Seal the entries hashed before the log was keyed (init-db does this itself)."""
    from contracts import audit

    sealed = audit.seal_legacy(db.session)
    db.session.commit()
    click.echo(
        f"sealed {sealed.entry_count} unkeyed entries (checkpoint #{sealed.id})"
        if sealed
        else "nothing to seal"
    )


@click.group("documents")
def documents_group() -> None:
    """Maintenance of the stored document files."""


@documents_group.command("sweep-orphans")
@click.option(
    "--older-than-minutes",
    type=click.IntRange(min=1),
    default=60,
    show_default=True,
    help="Only files stored at least this long ago (a request in flight is never swept).",
)
@with_appcontext
def sweep_orphans_command(older_than_minutes: int) -> None:
    """Delete stored files no document version records (left by a crash before a commit)."""
    from datetime import timedelta

    from webui.documents.tasks import sweep_orphan_documents_now

    deleted = sweep_orphan_documents_now(timedelta(minutes=older_than_minutes))
    click.echo(f"{len(deleted)} orphaned file(s) deleted")
    for key in deleted:
        click.echo(f"  {key}")


# Everything after the command name goes to Celery untouched (--concurrency, -Q, --loglevel...).
_PASS_THROUGH = {"ignore_unknown_options": True, "allow_extra_args": True, "help_option_names": []}


def _run_celery(command: str, args: tuple[str, ...]) -> None:
    """Run `celery -A webui.wsgi:celery <command> <args>` on the Celery app of this Flask app."""
    celery = current_app.extensions["celery"]
    celery.start(argv=[command, *args])


@click.command("worker", context_settings=_PASS_THROUGH)
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
@with_appcontext
def worker_command(args: tuple[str, ...]) -> None:
    """Run a Celery worker (distributed mode); options are celery worker's, e.g. --concurrency."""
    _run_celery("worker", args)


@click.command("beat", context_settings=_PASS_THROUGH)
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
@with_appcontext
def beat_command(args: tuple[str, ...]) -> None:
    """Run Celery beat: schedules timer firing and outbox delivery. Run exactly one."""
    _run_celery("beat", args)


def register_commands(app: Flask) -> None:
    app.cli.add_command(worker_command)
    app.cli.add_command(beat_command)
    app.cli.add_command(rotate_master_key_command)
    app.cli.add_command(documents_group)
    app.cli.add_command(init_db_command)
    app.cli.add_command(deploy_processes_command)
    app.cli.add_command(demo_command)
    app.cli.add_command(audit_group)


def _create_app() -> Flask:
    from webui import create_app

    return create_app()


def main() -> None:
    """Entry point of the `contractflow` console script."""
    FlaskGroup(create_app=_create_app, help="ContractFlow administration commands.")()

"""`flask backup` then `flask restore` into a fresh installation: the same rows (counts
and per-table checksums computed here, not read from the manifest) and the same
documents, byte for byte; an altered archive, a non-empty target, a backup of another
kind or of a newer schema are refused before anything is touched."""

from __future__ import annotations

import io
import json
import os
import shutil
import stat
import subprocess
import tarfile
from pathlib import Path

import pytest
from flask_migrate import upgrade
from sqlalchemy import inspect, select, text
from sqlalchemy.engine import make_url

from capintra.audit.models import AuditEvent
from capintra.auth.models import User
from capintra.backup import checksums
from capintra.extensions import db
from tests.backup.conftest import run
from tests.conftest import login

PREVIOUS_REVISION = "978172ee50c6"


def fingerprint(app) -> dict:
    with app.app_context(), db.engine.connect() as connection:
        return checksums.checksums(connection, db.metadata)


def documents(app) -> dict[str, bytes]:
    root = Path(app.config["UPLOAD_DIR"])
    if not root.is_dir():
        return {}
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in root.rglob("*")
        if path.is_file()
    }


def tables(app) -> set[str]:
    with app.app_context():
        return set(inspect(db.engine).get_table_names())


def rewrite(archive: Path, target: Path, change) -> Path:
    """A copy of `archive` whose members pass through change(name, bytes) → bytes, or
    None to drop the member; change("+", None) → [(name, bytes)] adds members."""
    with tarfile.open(archive, "r:gz") as source, tarfile.open(target, "w:gz") as out:
        for member in source:
            data = source.extractfile(member).read()
            data = change(member.name, data)
            if data is None:
                continue
            info = tarfile.TarInfo(member.name)
            info.size = len(data)
            out.addfile(info, io.BytesIO(data))
        for name, data in change("+", None) or ():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            out.addfile(info, io.BytesIO(data))
    return target


def manifest_of(archive: Path) -> dict:
    with tarfile.open(archive, "r:gz") as source:
        return json.loads(source.extractfile("manifest.json").read())


def test_restore_into_a_fresh_installation_gives_the_same_rows_and_documents(saved, installations):
    source = saved["app"]
    assert "Tables" in saved["output"], "progress is printed"
    target = installations.new("target")
    assert documents(target) == {}

    result = run(target, "restore", saved["archive"])
    assert result.exit_code == 0, result.output
    assert "Restauration vérifiée" in result.output

    expected, found = saved["tables"], fingerprint(target)
    assert found == expected
    assert expected["household"]["rows"] == 5 and expected["document"]["rows"] >= 1
    assert {name for name, entry in expected.items() if entry["rows"]} >= {
        "audit_event",
        "household",
        "member",
        "user_account",
        "document",
    }
    with source.app_context():
        event = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "backup_created").order_by(AuditEvent.id)
        ).first()
    assert event.user_id is None
    assert event.changes["rows"] == sum(entry["rows"] for entry in expected.values()), (
        "the backup's own event comes after its snapshot"
    )
    restored = documents(target)
    assert restored == documents(source) and len(restored) >= 1
    for path in Path(target.config["UPLOAD_DIR"]).rglob("*"):
        if path.is_file():
            assert stat.S_IMODE(path.stat().st_mode) == 0o600

    # The restored installation works: its schema is current, its counters go on, its
    # accounts sign in.
    assert "à jour" in run(target, "init-db").output
    result = run(
        target,
        "create-user",
        "nouvelle.venue",
        "--role",
        "officer",
        "--password",
        "une phrase de passe solide",
    )
    assert result.exit_code == 0, result.output
    with target.app_context():
        user = db.session.scalar(select(User).where(User.username == "nouvelle.venue"))
    login(target.test_client(), user, "une phrase de passe solide")


def test_the_archive_is_private_and_never_overwritten_unasked(saved, tmp_path):
    archive = saved["archive"]
    assert stat.S_IMODE(archive.stat().st_mode) == 0o600
    manifest = manifest_of(archive)
    assert manifest["database"] in ("sqlite", "postgresql")
    assert manifest["alembic_revision"] and manifest["created_at"] and manifest["app_version"]
    assert all(len(entry["sha256"]) == 64 for entry in manifest["files"].values())

    # Another archive of the same installation, so that the shared one stays as it was.
    archive = tmp_path / "again" / archive.name
    archive.parent.mkdir()
    shutil.copyfile(saved["archive"], archive)
    archive.chmod(0o600)
    before = archive.read_bytes()
    result = run(saved["app"], "backup", archive)
    assert result.exit_code == 1
    assert "existe déjà" in result.output and "--force" in result.output
    assert "Traceback" not in result.output
    assert archive.read_bytes() == before

    result = run(saved["app"], "backup", archive, "--force")
    assert result.exit_code == 0, result.output
    assert stat.S_IMODE(archive.stat().st_mode) == 0o600
    again = manifest_of(archive)["tables"]
    assert again.pop("audit_event")["rows"] == manifest["tables"].pop("audit_event")["rows"] + 1
    assert again == manifest["tables"], "the first backup's event is the only change"
    assert not [p for p in archive.parent.iterdir() if p != archive], "no staging left"


def test_backup_refuses_a_folder_or_the_documents_folder(saved, tmp_path):
    source = saved["app"]
    inside = Path(source.config["UPLOAD_DIR"]) / "backup.tar.gz"
    for path, message in ((tmp_path, "est un dossier"), (inside, "dossier des documents")):
        result = run(source, "backup", path)
        assert result.exit_code == 1, result.output
        assert message in result.output and "Traceback" not in result.output
    assert not inside.exists()


def assert_untouched(app):
    assert not (tables(app) - {"alembic_version"}), "nothing restored"
    assert documents(app) == {}


def test_an_altered_archive_is_refused_before_anything_is_touched(saved, installations, tmp_path):
    archive = saved["archive"]
    target = installations.new("target")

    def flip_a_document_byte(name, data):
        if name.startswith("documents/") and not flip_a_document_byte.done:
            flip_a_document_byte.done = True
            return data[:-1] + bytes([data[-1] ^ 1])
        return data

    flip_a_document_byte.done = False

    def truncate_the_database(name, data):
        return data[: len(data) // 2] if name.startswith("database/") else data

    def drop_a_document(name, data):
        if name.startswith("documents/") and not drop_a_document.done:
            drop_a_document.done = True
            return None
        return data

    drop_a_document.done = False

    def add_a_document(name, data):
        return [("documents/zz/extra.pdf", b"%PDF-1.4 extra")] if name == "+" else data

    def climb_out(name, data):
        return [("documents/../../outside.txt", b"x")] if name == "+" else data

    for number, (change, message) in enumerate(
        (
            (flip_a_document_byte, "ne correspond pas"),
            (truncate_the_database, "ne correspond pas"),
            (drop_a_document, "ne correspond pas"),
            (add_a_document, "ne correspond pas"),
            (climb_out, "élément inattendu"),
        )
    ):
        altered = rewrite(archive, tmp_path / f"altered-{number}.tar.gz", change)
        result = run(target, "restore", altered)
        assert result.exit_code == 1, (change.__name__, result.output)
        assert message in result.output, (change.__name__, result.output)
        assert "Traceback" not in result.output
        assert_untouched(target)
    instance = Path(target.instance_path)
    assert (
        not (instance / "outside.txt").exists() and not (instance.parent / "outside.txt").exists()
    )

    garbage = tmp_path / "garbage.tar.gz"
    garbage.write_bytes(b"not an archive")
    result = run(target, "restore", garbage)
    assert result.exit_code == 1 and "pas une archive de sauvegarde" in result.output
    result = run(target, "restore", tmp_path / "missing.tar.gz")
    assert result.exit_code == 1 and "n’existe pas" in result.output
    assert_untouched(target)


def test_a_target_with_data_or_documents_is_refused(saved, installations):
    target = installations.new("target")
    assert run(target, "init-db").exit_code == 0
    result = run(
        target,
        "create-user",
        "deja.la",
        "--role",
        "officer",
        "--password",
        "une phrase de passe solide",
    )
    assert result.exit_code == 0, result.output
    before = fingerprint(target)

    result = run(target, "restore", saved["archive"])
    assert result.exit_code == 1
    assert "n’est pas vide" in result.output and "user_account" in result.output
    assert fingerprint(target) == before
    assert documents(target) == {}

    # Empty tables (after init-db) are fine, but not a folder that holds documents.
    other = installations.new("other")
    assert run(other, "init-db").exit_code == 0
    folder = Path(other.config["UPLOAD_DIR"])
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "left-over.pdf").write_bytes(b"%PDF-1.4")
    result = run(other, "restore", saved["archive"])
    assert result.exit_code == 1 and "documents" in result.output
    assert not any(entry["rows"] for entry in fingerprint(other).values())

    (folder / "left-over.pdf").unlink()
    result = run(other, "restore", saved["archive"])
    assert result.exit_code == 0, result.output
    assert fingerprint(other) == saved["tables"]


def test_a_backup_of_another_kind_or_of_a_newer_schema_is_refused(saved, installations, tmp_path):
    target = installations.new("target")
    kind = manifest_of(saved["archive"])["database"]
    other_kind = "postgresql" if kind == "sqlite" else "sqlite"

    def manifest(**changes):
        def change(name, data):
            if name == "manifest.json":
                return json.dumps({**json.loads(data), **changes}).encode()
            return None if name == "+" else data

        return change

    other = rewrite(saved["archive"], tmp_path / "other.tar.gz", manifest(database=other_kind))
    result = run(target, "restore", other)
    assert result.exit_code == 1 and "Restaurez dans une installation" in result.output
    assert_untouched(target)

    newer = rewrite(
        saved["archive"], tmp_path / "newer.tar.gz", manifest(alembic_revision="ffffffffffff")
    )
    result = run(target, "restore", newer)
    assert result.exit_code == 1 and "version plus récente" in result.output
    assert_untouched(target)


def test_a_backup_of_an_older_schema_restores_then_init_db_upgrades(installations, tmp_path):
    source = installations.new("source")
    with source.app_context():
        upgrade(revision=PREVIOUS_REVISION)
        db.session.remove()
    result = run(
        source,
        "create-user",
        "ancienne",
        "--role",
        "manager",
        "--password",
        "une phrase de passe solide",
    )
    assert result.exit_code == 0, result.output
    archive = tmp_path / "old.tar.gz"
    before = fingerprint(source)
    assert run(source, "backup", archive).exit_code == 0

    target = installations.new("target")
    result = run(target, "restore", archive)
    assert result.exit_code == 0, result.output
    assert PREVIOUS_REVISION in result.output and "flask init-db" in result.output
    assert fingerprint(target) == before
    assert run(target, "init-db").exit_code == 0
    assert "relocation" in tables(target)
    with target.app_context():
        assert db.session.scalar(select(User.username).where(User.username == "ancienne"))


def test_a_database_without_schema_is_not_saved(installations, tmp_path):
    empty = installations.new("empty")
    archive = tmp_path / "empty.tar.gz"
    result = run(empty, "backup", archive)
    assert result.exit_code == 1 and "init-db" in result.output
    assert not archive.exists()
    assert not os.listdir(tmp_path / "empty") or all(
        not name.startswith(".capintra-backup-") for name in os.listdir(tmp_path)
    )


def test_a_restore_that_does_not_read_back_as_saved_says_so(saved, installations, tmp_path):
    """The manifest's table checksums are compared after the restore: a database that
    does not match them (here, a manifest whose household checksum was changed) fails."""
    target = installations.new("target")

    def change(name, data):
        if name == "manifest.json":
            manifest = json.loads(data)
            manifest["tables"]["household"]["sha256"] = "0" * 64
            return json.dumps(manifest).encode()
        return None if name == "+" else data

    result = run(target, "restore", rewrite(saved["archive"], tmp_path / "odd.tar.gz", change))
    assert result.exit_code == 1
    assert "Table household" in result.output and "diffère de la sauvegarde" in result.output
    assert "Restauration vérifiée" not in result.output


def test_a_backup_taken_while_someone_writes_holds_only_what_was_committed(saved, tmp_path):
    """The application keeps running during a backup: a transaction open at that moment
    neither blocks it nor leaks into it. (On SQLite that writer still holds the lock when
    the backup records its audit event: after the busy timeout the archive is kept and
    the missing event said.)"""
    source = saved["app"]
    committed = fingerprint(source)
    archive = tmp_path / "busy.tar.gz"
    with source.app_context(), db.engine.connect() as writer:
        writer.begin()
        writer.execute(text("UPDATE household SET name = 'Écrit pendant la sauvegarde'"))
        result = run(source, "backup", archive)
        writer.rollback()
    assert result.exit_code == 0, result.output
    assert manifest_of(archive)["tables"] == committed
    if manifest_of(archive)["database"] == "sqlite":
        assert "journal d’audit" in result.output


def test_the_postgresql_password_never_appears_on_a_command_line(
    saved, installations, monkeypatch, tmp_path
):
    """pg_dump and pg_restore get the password in their environment (PGPASSWORD), where
    other users of the machine cannot read it (`ps` shows command lines)."""
    if manifest_of(saved["archive"])["database"] != "postgresql":
        pytest.skip("PostgreSQL only: run with CAPINTRA_TEST_DATABASE_URL")
    calls = []
    real_run = subprocess.run

    def spy(command, *args, **kwargs):
        calls.append((command, kwargs.get("env") or {}))
        return real_run(command, *args, **kwargs)

    monkeypatch.setattr(subprocess, "run", spy)
    password = make_url(saved["app"].config["SQLALCHEMY_DATABASE_URI"]).password
    assert password
    target = installations.new("target")
    archive = tmp_path / "pg.tar.gz"
    assert run(saved["app"], "backup", archive).exit_code == 0
    assert run(target, "restore", archive).exit_code == 0
    assert [command[0] for command, _ in calls] == ["pg_dump", "pg_restore"]
    for command, env in calls:
        # (the test role's password, "capintra", is also in every file name; "password"
        # in this test's temporary folder)
        for part in command:
            assert part != password and f":{password}@" not in part, command
            assert "password=" not in part.lower(), command
        assert env["PGPASSWORD"] == password

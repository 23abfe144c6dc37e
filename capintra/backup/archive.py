"""Writing and reading a backup archive (tar.gz, mode 0600: personal data).

An archive holds:
- `manifest.json`: the application's version, the database's Alembic revision and kind,
  when it was made, the SHA-256 and size of every other file, and every table's row
  count and checksum (capintra.backup.checksums);
- `database/capintra.sqlite3` (SQLite's online backup API: a consistent copy while the
  application runs) or `database/capintra.pgdump` (`pg_dump -Fc`, taken in the same
  snapshot as the checksums);
- `documents/…`: the upload folder, as it is laid out.

A restore reads the whole archive into a private staging folder, checks every file
against the manifest and refuses anything unexpected before it touches the installation.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC
from importlib import metadata as package_metadata
from pathlib import Path, PurePosixPath
from typing import Any

from alembic.script import ScriptDirectory
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import URL, Connection, make_url

from capintra import clock
from capintra.audit.service import record_event
from capintra.backup import checksums
from capintra.extensions import db

FORMAT = 1
MANIFEST = "manifest.json"
SQLITE_MEMBER = "database/capintra.sqlite3"
PGDUMP_MEMBER = "database/capintra.pgdump"
DOCUMENTS = "documents"
CHUNK = 1024 * 1024
KIND_NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}

Echo = Callable[[str], None]


class BackupError(Exception):
    """A refusal or failure, in French, saying what to do."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass
class RestoreReport:
    revision: str
    head: str
    #: table → (expected, found) for every table that differs.
    differences: dict[str, tuple[Any, Any]] = field(default_factory=dict)
    tables: int = 0
    rows: int = 0
    documents: int = 0


# ---------------------------------------------------------------------------------------
# Shared


def database_url() -> URL:
    return make_url(current_app.config["SQLALCHEMY_DATABASE_URI"])


def database_kind(url: URL) -> str:
    backend = url.get_backend_name()
    if backend not in ("sqlite", "postgresql"):
        raise BackupError(
            _(
                "Base de données « %(kind)s » non prise en charge : SQLite ou PostgreSQL.",
                kind=backend,
            )
        )
    return backend


def upload_dir() -> Path:
    return Path(current_app.config["UPLOAD_DIR"])


def app_version() -> str:
    try:
        return package_metadata.version("capintra")
    except package_metadata.PackageNotFoundError:
        return "inconnue"


def scripts() -> ScriptDirectory:
    return ScriptDirectory(current_app.extensions["migrate"].directory)


def code_head() -> str:
    return scripts().get_current_head() or ""


def current_revision(connection: Connection) -> str | None:
    if "alembic_version" not in inspect(connection).get_table_names():
        return None
    return connection.scalar(text("SELECT version_num FROM alembic_version"))


def _private_file(path: Path) -> int:
    return os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)


@contextlib.contextmanager
def _staging(near: Path) -> Iterator[Path]:
    """A private folder (0700) beside `near`, removed with everything in it at the end."""
    near.mkdir(mode=0o700, parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix=".capintra-backup-", dir=near))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _pg_environment(url: URL) -> dict[str, str]:
    """The libpq environment of a child process for `url`: the password travels there,
    never on a command line."""
    env = dict(os.environ)
    for name, value in (
        ("PGHOST", url.host),
        ("PGPORT", url.port),
        ("PGUSER", url.username),
        ("PGPASSWORD", url.password),
        ("PGDATABASE", url.database),
        ("PGSSLMODE", url.query.get("sslmode")),
        ("PGOPTIONS", url.query.get("options")),
    ):
        if value is not None:
            env[name] = str(value)
    return env


def _run(command: list[str], url: URL, what: str) -> None:
    try:
        done = subprocess.run(  # noqa: S603 (a fixed program, arguments we build)
            command, env=_pg_environment(url), capture_output=True, text=True, check=False
        )
    except FileNotFoundError:
        raise BackupError(
            _(
                "%(program)s est introuvable : installez le client PostgreSQL "
                "(paquet postgresql-client) de la même version que le serveur.",
                program=command[0],
            )
        ) from None
    if done.returncode != 0:
        detail = (done.stderr or "").strip().splitlines()
        raise BackupError(
            _(
                "%(what)s a échoué (%(program)s : %(detail)s).",
                what=what,
                program=command[0],
                detail=detail[-1] if detail else done.returncode,
            )
        )


# ---------------------------------------------------------------------------------------
# Backup


def _sqlite_copy(url: URL, target: Path, echo: Echo) -> None:
    """SQLite's online backup API: one consistent copy while the application writes
    (in WAL mode a reader holds no lock that stops writers)."""
    source = sqlite3.connect(url.database, timeout=30)
    try:
        size = Path(url.database).stat().st_size
        echo(_("Copie de la base SQLite (%(size)s Mo)…", size=f"{size / 1e6:.1f}"))
        os.close(_private_file(target))
        destination = sqlite3.connect(target)
        try:
            source.backup(destination)
        finally:
            destination.close()
    finally:
        source.close()


def _sqlite_checksums(path: Path, echo: Echo) -> tuple[str | None, dict]:
    engine = create_engine(f"sqlite:///{path}")
    try:
        with engine.connect() as connection:
            revision = current_revision(connection)
            return revision, _checksums(connection, echo)
    finally:
        engine.dispose()


def _checksums(connection: Connection, echo: Echo) -> dict:
    names = checksums.table_names(connection)
    done = iter(range(1, len(names) + 1))

    def progress(name: str) -> None:
        position = next(done)
        if position == 1 or position % 10 == 0 or position == len(names):
            echo(
                _(
                    "Tables : %(done)d/%(total)d (%(name)s)",
                    done=position,
                    total=len(names),
                    name=name,
                )
            )

    return checksums.checksums(connection, db.metadata, progress)


def _postgresql_dump(url: URL, target: Path, echo: Echo) -> tuple[str | None, dict]:
    """`pg_dump -Fc` in the snapshot of a REPEATABLE READ transaction, whose checksums are
    computed in that same snapshot: the dump and the manifest describe the same data."""
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            connection = connection.execution_options(isolation_level="REPEATABLE READ")
            with connection.begin():
                snapshot = connection.scalar(text("SELECT pg_export_snapshot()"))
                echo(_("Export de la base PostgreSQL (pg_dump)…"))
                os.close(_private_file(target))
                _run(
                    [
                        "pg_dump",
                        "--format=custom",
                        f"--snapshot={snapshot}",
                        f"--file={target}",
                    ],
                    url,
                    _("L’export de la base"),
                )
                revision = current_revision(connection)
                return revision, _checksums(connection, echo)
    finally:
        engine.dispose()


def _documents(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(path for path in folder.rglob("*") if path.is_file() and not path.is_symlink())


class _HashingReader(io.RawIOBase):
    """Reads a file for tarfile while hashing exactly the bytes archived."""

    def __init__(self, fh):
        self.fh = fh
        self.digest = hashlib.sha256()

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        chunk = self.fh.read(size)
        self.digest.update(chunk)
        return chunk


def _add_file(archive: tarfile.TarFile, path: Path, name: str) -> dict[str, Any]:
    with path.open("rb") as fh:
        info = archive.gettarinfo(fileobj=fh, arcname=name)
        info.uid = info.gid = 0
        info.uname = info.gname = ""
        info.mode = 0o600
        reader = _HashingReader(fh)
        archive.addfile(info, reader)
    return {"sha256": reader.digest.hexdigest(), "size": info.size}


def create_backup(path: Path, *, force: bool, echo: Echo) -> dict[str, Any]:
    """Write the backup archive at `path`; returns its manifest."""
    path = path.expanduser().absolute()
    if path.is_dir():
        raise BackupError(
            _("%(path)s est un dossier : donnez le nom du fichier d’archive.", path=path)
        )
    if path.is_relative_to(upload_dir().absolute()):
        raise BackupError(
            _(
                "L’archive ne peut pas être écrite dans le dossier des documents (%(folder)s) : "
                "choisissez un autre dossier.",
                folder=upload_dir(),
            )
        )
    if path.exists() and not force:
        raise BackupError(
            _(
                "%(path)s existe déjà : choisissez un autre nom, ou ajoutez --force pour le "
                "remplacer.",
                path=path,
            )
        )
    url = database_url()
    kind = database_kind(url)
    created_at = clock.now().astimezone(UTC).replace(microsecond=0)
    with _staging(path.parent) as staging:
        if kind == "sqlite":
            database_member = SQLITE_MEMBER
            dump = staging / "capintra.sqlite3"
            _sqlite_copy(url, dump, echo)
            revision, tables = _sqlite_checksums(dump, echo)
        else:
            database_member = PGDUMP_MEMBER
            dump = staging / "capintra.pgdump"
            revision, tables = _postgresql_dump(url, dump, echo)
        if revision is None:
            raise BackupError(
                _("La base n’a pas de schéma : lancez « flask init-db » avant de la sauvegarder.")
            )

        documents = _documents(upload_dir())
        echo(_("Documents : %(count)d fichier(s) à archiver…", count=len(documents)))
        partial = staging / "archive.tar.gz"
        files: dict[str, dict[str, Any]] = {}
        with (
            os.fdopen(_private_file(partial), "wb") as raw,
            tarfile.open(fileobj=raw, mode="w:gz") as archive,
        ):
            files[database_member] = _add_file(archive, dump, database_member)
            root = upload_dir()
            for position, document in enumerate(documents, start=1):
                name = f"{DOCUMENTS}/{document.relative_to(root).as_posix()}"
                files[name] = _add_file(archive, document, name)
                if position % 200 == 0:
                    echo(_("Documents : %(done)d/%(total)d", done=position, total=len(documents)))
            manifest = {
                "format": FORMAT,
                "application": "capintra",
                "app_version": app_version(),
                "alembic_revision": revision,
                "database": kind,
                "created_at": created_at.isoformat(),
                "files": files,
                "tables": tables,
            }
            body = json.dumps(manifest, indent=2, sort_keys=True, ensure_ascii=False).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size, info.mode, info.mtime = len(body), 0o600, int(created_at.timestamp())
            archive.addfile(info, io.BytesIO(body))
        os.replace(partial, path)
        os.chmod(path, 0o600)
    _record_backup(manifest, echo)
    return manifest


def _record_backup(manifest: dict[str, Any], echo: Echo) -> None:
    """The audit event of a backup, in a transaction of its own (no name of the archive:
    paths may say more than needed). The archive is good without it: a failure to write
    it (a writer holding SQLite's lock past the busy timeout) is said, not fatal."""
    try:
        _write_backup_event(manifest)
    except Exception:  # noqa: BLE001
        db.session.rollback()
        current_app.logger.exception("backup event not recorded")
        echo(
            _(
                "Attention : l’archive est écrite, mais la sauvegarde n’a pas pu être "
                "inscrite au journal d’audit (base occupée)."
            )
        )


def _write_backup_event(manifest: dict[str, Any]) -> None:
    record_event(
        "backup_created",
        changes={
            "tables": len(manifest["tables"]),
            "rows": sum(entry["rows"] for entry in manifest["tables"].values()),
            "documents": len(manifest["files"]) - 1,
        },
    )
    db.session.commit()


# ---------------------------------------------------------------------------------------
# Restore


def _safe_member_name(name: str) -> PurePosixPath | None:
    posix = PurePosixPath(name)
    if posix.is_absolute() or ".." in posix.parts or not posix.parts:
        return None
    if str(posix) == MANIFEST or str(posix) in (SQLITE_MEMBER, PGDUMP_MEMBER):
        return posix
    if posix.parts[0] == DOCUMENTS and len(posix.parts) > 1:
        return posix
    return None


def _unpack(path: Path, staging: Path) -> tuple[dict[str, Any], dict[str, str]]:
    """Read every member into `staging`, hashing it; the manifest and the hashes found."""
    damaged = _("%(path)s n’est pas une archive de sauvegarde lisible de capintra.", path=path)
    manifest: dict[str, Any] | None = None
    found: dict[str, str] = {}
    try:
        with tarfile.open(path, mode="r:gz") as archive:
            for member in archive:
                if member.isdir():
                    continue
                name = _safe_member_name(member.name)
                if name is None or not member.isfile() or str(name) in found:
                    raise BackupError(
                        _(
                            "L’archive contient un élément inattendu (%(name)s) : elle a été "
                            "modifiée. Rien n’a été restauré.",
                            name=member.name,
                        )
                    )
                source = archive.extractfile(member)
                if str(name) == MANIFEST:
                    manifest = json.loads(source.read().decode())
                    continue
                target = staging.joinpath(*name.parts)
                target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
                digest = hashlib.sha256()
                with os.fdopen(_private_file(target), "wb") as out:
                    while chunk := source.read(CHUNK):
                        digest.update(chunk)
                        out.write(chunk)
                found[str(name)] = digest.hexdigest()
    except (tarfile.TarError, OSError, EOFError, UnicodeDecodeError, json.JSONDecodeError):
        raise BackupError(damaged) from None
    if not isinstance(manifest, dict) or manifest.get("application") != "capintra":
        raise BackupError(damaged)
    return manifest, found


def _verify(manifest: dict[str, Any], found: dict[str, str]) -> None:
    expected = {name: entry.get("sha256") for name, entry in manifest.get("files", {}).items()}
    altered = sorted(name for name in expected if found.get(name) != expected[name])
    extra = sorted(set(found) - set(expected))
    if altered or extra:
        raise BackupError(
            _(
                "L’archive ne correspond pas à son manifeste (%(names)s) : elle est "
                "incomplète ou a été modifiée. Rien n’a été restauré ; prenez une autre "
                "sauvegarde.",
                names=", ".join((altered + extra)[:5]),
            )
        )
    if manifest.get("format") != FORMAT:
        raise BackupError(
            _("Format de sauvegarde inconnu (%(format)s).", format=manifest.get("format"))
        )


def _check_revision(manifest: dict[str, Any]) -> tuple[str, str]:
    revision, head = manifest.get("alembic_revision") or "", code_head()
    try:
        known = scripts().get_revision(revision) is not None
    except Exception:  # noqa: BLE001 (alembic raises several kinds for an unknown id)
        known = False
    if not known:
        raise BackupError(
            _(
                "La sauvegarde vient d’une version plus récente de capintra (révision "
                "%(revision)s, inconnue de ce code) : installez au moins la version "
                "%(version)s, puis relancez la restauration.",
                revision=revision or "?",
                version=manifest.get("app_version", "?"),
            )
        )
    return revision, head


def _check_empty(kind: str, manifest: dict[str, Any]) -> None:
    with db.engine.connect() as connection:
        counts = checksums.row_counts(connection)
    full = sorted(name for name, count in counts.items() if count)
    if full:
        raise BackupError(
            _(
                "La base cible n’est pas vide (%(tables)s…) : une restauration ne remplace "
                "jamais des données. Configurez une base neuve (CAPINTRA_DATABASE_URL), "
                "ou videz celle-ci après l’avoir sauvegardée, puis relancez.",
                tables=", ".join(full[:3]),
            )
        )
    if kind == "postgresql":
        unknown = sorted(set(counts) - set(manifest.get("tables", {})))
        if unknown:
            raise BackupError(
                _(
                    "La base cible contient des tables absentes de la sauvegarde "
                    "(%(tables)s) : restaurez dans une base PostgreSQL neuve, sans tables.",
                    tables=", ".join(unknown[:3]),
                )
            )
    folder = upload_dir()
    if folder.is_dir() and any(folder.iterdir()):
        raise BackupError(
            _(
                "Le dossier des documents %(folder)s n’est pas vide : une restauration ne "
                "remplace jamais des documents. Indiquez un dossier vide (CAPINTRA_UPLOAD_DIR).",
                folder=folder,
            )
        )


def _restore_sqlite(url: URL, staged: Path) -> None:
    """Put the copy in place of the (empty) database file, atomically."""
    db.engine.dispose()
    target = Path(url.database).absolute()
    target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.restoring")
    with contextlib.suppress(FileNotFoundError):
        partial.unlink()
    shutil.copyfile(staged, partial)
    os.chmod(partial, 0o600)
    for leftover in (
        target.with_name(target.name + "-wal"),
        target.with_name(target.name + "-shm"),
    ):
        with contextlib.suppress(FileNotFoundError):
            leftover.unlink()
    os.replace(partial, target)


def _restore_postgresql(url: URL, staged: Path) -> None:
    """`pg_restore --no-owner` in one transaction; tables left empty by `init-db` are
    dropped and recreated from the dump (--clean)."""
    db.engine.dispose()
    with db.engine.connect() as connection:
        has_tables = bool(checksums.table_names(connection)) or current_revision(connection)
    command = [
        "pg_restore",
        "--no-owner",
        "--no-privileges",
        "--single-transaction",
        "--exit-on-error",
    ]
    if has_tables:
        command += ["--clean", "--if-exists"]
    command += [f"--dbname={url.database}", str(staged)]
    _run(command, url, _("La restauration de la base"))
    db.engine.dispose()


def _restore_documents(staging: Path, echo: Echo) -> int:
    source = staging / DOCUMENTS
    target = upload_dir()
    target.mkdir(mode=0o700, parents=True, exist_ok=True)
    count = 0
    if not source.is_dir():
        return 0
    for path in sorted(source.rglob("*")):
        destination = target / path.relative_to(source)
        if path.is_dir():
            destination.mkdir(mode=0o700, exist_ok=True)
            continue
        destination.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        with path.open("rb") as fh, os.fdopen(_private_file(destination), "wb") as out:
            shutil.copyfileobj(fh, out, CHUNK)
        count += 1
        if count % 200 == 0:
            echo(_("Documents restaurés : %(done)d…", done=count))
    return count


def restore_backup(path: Path, *, echo: Echo) -> RestoreReport:
    path = path.expanduser().absolute()
    if not path.is_file():
        raise BackupError(
            _("%(path)s n’existe pas : donnez le chemin d’une archive de sauvegarde.", path=path)
        )
    url = database_url()
    kind = database_kind(url)
    near = Path(current_app.instance_path)
    with _staging(near) as staging:
        echo(_("Lecture et vérification de l’archive…"))
        manifest, found = _unpack(path, staging)
        _verify(manifest, found)
        if manifest.get("database") != kind:
            raise BackupError(
                _(
                    "Cette sauvegarde vient d’une base %(source)s ; l’installation cible est "
                    "configurée sur %(target)s. Restaurez dans une installation %(source)s.",
                    source=KIND_NAMES.get(manifest.get("database"), "?"),
                    target=KIND_NAMES[kind],
                )
            )
        revision, head = _check_revision(manifest)
        _check_empty(kind, manifest)
        echo(_("Archive intacte. Restauration de la base…"))
        if kind == "sqlite":
            _restore_sqlite(url, staging / SQLITE_MEMBER)
        else:
            _restore_postgresql(url, staging / PGDUMP_MEMBER)
        echo(_("Restauration des documents…"))
        documents = _restore_documents(staging, echo)

    echo(_("Vérification des tables restaurées…"))
    report = RestoreReport(revision=revision, head=head, documents=documents)
    with db.engine.connect() as connection:
        found_tables = _checksums(connection, echo)
    expected_tables = manifest.get("tables", {})
    for name in sorted(set(expected_tables) | set(found_tables)):
        if expected_tables.get(name) != found_tables.get(name):
            report.differences[name] = (expected_tables.get(name), found_tables.get(name))
    report.tables = len(found_tables)
    report.rows = sum(entry["rows"] for entry in found_tables.values())
    return report

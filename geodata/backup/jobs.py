"""Backup and restore (DESIGN §11, integrity and recovery): the database and the photo folder in
one archive (geodata/backup/archive.py), every member checked against the manifest before anything
is restored; the backends' own copying in geodata/backup/engines.py."""

from __future__ import annotations

import tempfile
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from geodata.backup.archive import DATABASE_MEMBERS, Manifest, unpack, write_archive
from geodata.backup.engines import check_dump, check_sqlite_copy, engine_for, known_schema, seeded_tables
from geodata.errors import Conflict, InvalidFile, InvalidInput

ROOT = Path(__file__).resolve().parents[2]

Report = Callable[[str], None]


def _quiet(message: str) -> None:
    pass


# -- backup ------------------------------------------------------------------------------------
def backup(url: str, media_dir: Path, path: Path, report: Report = _quiet) -> Manifest:
    """Write the database at ``url`` and the photos under ``media_dir`` to the archive ``path``."""
    path = Path(path)
    if path.exists():
        raise InvalidInput(
            f"{path} 已存在，不覆盖 (the file exists: choose a new name)",
            en=f"{path} exists already and is not overwritten: choose a new name",
            field="path",
        )
    if not path.parent.is_dir():
        raise InvalidInput(
            f"文件夹 {path.parent} 不存在 (no folder {path.parent})",
            en=f"There is no folder {path.parent}",
            field="path",
        )
    engine = engine_for(url)
    with tempfile.TemporaryDirectory(dir=path.parent, prefix=".backup-") as work:
        database = Path(work) / engine.member
        report(f"copying the {engine.backend} database…")
        facts = engine.dump(database)
        manifest = Manifest(
            engine.backend, facts.schema_version, facts.counties,
            datetime.now(UTC).isoformat(timespec="seconds"), portal_version(), row_counts=facts.row_counts,
        )  # fmt: skip
        members = [(engine.member, database)] + [(f"media/{rel}", f) for rel, f in _media_files(media_dir)]
        report(f"writing {path.name}: the database and {len(members) - 1} media files…")
        write_archive(path, members, manifest)
    return manifest


def portal_version() -> str:
    try:
        return tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    except (OSError, KeyError, tomllib.TOMLDecodeError):
        return "unknown"


def _media_files(media_dir: Path) -> list[tuple[str, Path]]:
    """Every photo (regular files, not links), by its path under the media folder."""
    if not media_dir.is_dir():
        return []
    found = [p for p in media_dir.rglob("*") if p.is_file() and not p.is_symlink()]
    return sorted((p.relative_to(media_dir).as_posix(), p) for p in found)


def verify(path: Path, report: Report = _quiet) -> tuple[Manifest, list[str]]:
    """Check an archive without restoring it: every member against the manifest and the database
    file itself. The manifest and notes worth knowing (a schema newer than this code's)."""
    with tempfile.TemporaryDirectory(prefix="portal-verify-") as work:
        manifest = _unpack(Path(path), Path(work), report)
        _check_database(manifest, Path(work), report)
    notes = []
    if manifest.backend in DATABASE_MEMBERS and manifest.schema_version > known_schema(manifest.backend):
        notes.append(_newer_schema(manifest).message)
    return manifest, notes


def _unpack(path: Path, work: Path, report: Report) -> Manifest:
    report(f"reading {path.name}…")
    return unpack(path, work)


def _check_database(manifest: Manifest, work: Path, report: Report) -> None:
    """The database file itself: SQLite's integrity check and its rows against the manifest; for a
    dump, that pg_restore reads it and it holds the rows of every table the manifest counts."""
    member = DATABASE_MEMBERS[manifest.backend]
    report(f"checking {member}…")
    if manifest.backend == "sqlite":
        facts = check_sqlite_copy(work / member)
        if facts.row_counts != manifest.row_counts or facts.schema_version != manifest.schema_version:
            raise InvalidFile(
                f"{member} 与清单不符 ({member} does not hold the rows and schema the manifest lists)",
                en=f"{member} does not hold the rows and schema the manifest lists",
            )
        return
    tables = check_dump(work / member)
    missing = sorted(set(manifest.row_counts) - tables)
    if missing:
        raise InvalidFile(
            f"{member} 缺少表 {missing[0]} 的数据 ({member} holds no data of table {missing[0]})",
            en=f"{member} holds no data of table {missing[0]}",
        )


def _newer_schema(manifest: Manifest) -> InvalidFile:
    known = known_schema(manifest.backend)
    return InvalidFile(
        f"备份的数据库结构版本 {manifest.schema_version} 比本程序认识的 {known} 新，请先升级门户程序 "
        f"(the archive's schema version {manifest.schema_version} is newer than this portal's {known})",
        en=f"The archive's database schema version {manifest.schema_version} is newer than this portal's "
        f"{known}: upgrade the portal first",
    )


# -- restore -----------------------------------------------------------------------------------
@dataclass
class Restored:
    manifest: Manifest
    migrations: list[str]
    media_kept: Path | None  # where the media folder that was there went, with --force

    def lines(self) -> list[str]:
        lines = ["restored:", *self.manifest.lines()]
        if self.migrations:
            lines.append(f"  upgraded the schema: {', '.join(self.migrations)}")
        if self.media_kept is not None:
            lines.append(f"  the media folder that was there is kept as {self.media_kept}")
        return lines


def restore(url: str, media_dir: Path, path: Path, force: bool = False, report: Report = _quiet) -> Restored:
    """Restore the archive ``path`` into the database at ``url`` and ``media_dir``. The archive is
    checked whole first; an empty target is required unless ``force``. Refusals change nothing."""
    engine = engine_for(url)
    media_dir = Path(media_dir)
    media_dir.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=media_dir.parent, prefix=".restore-") as tmp:
        work = Path(tmp)
        manifest = _unpack(Path(path), work, report)
        _check_target_backend(manifest, engine.backend)
        _check_database(manifest, work, report)
        if not force:
            _check_empty(engine, media_dir)
        report(f"restoring the {engine.backend} database…")
        engine.restore(work / engine.member, work)
        _check_restored(engine.row_counts(), manifest.row_counts)
        migrations = _migrate(url, report)
        report(f"restoring {manifest.media_files} media files…")
        kept = _swap_media(work / "media", media_dir)
    return Restored(manifest, migrations, kept)


def _check_restored(counts: dict[str, int], expected: dict[str, int]) -> None:
    """The restored database holds as many rows in each table as the manifest says it should."""
    for table in sorted(set(counts) | set(expected)):
        if counts.get(table) != expected.get(table):
            raise InvalidFile(
                f"恢复后表 {table} 的行数与清单不符 (table {table}: {counts.get(table)} rows restored, "
                f"the manifest says {expected.get(table)})",
                en=f"Table {table}: {counts.get(table)} rows restored, the manifest says {expected.get(table)}",
            )


def _check_target_backend(manifest: Manifest, backend: str) -> None:
    if manifest.backend != backend:
        raise InvalidFile(
            f"这是 {manifest.backend} 数据库的备份，不能恢复到 {backend}，跨后端转换不受支持 "
            f"(a {manifest.backend} archive cannot be restored into {backend}: converting between "
            "backends is not supported)",
            en=f"This is a backup of a {manifest.backend} database; it cannot be restored into {backend}: converting between backends is not supported",
        )
    if manifest.schema_version > known_schema(backend):
        raise _newer_schema(manifest)


def _check_empty(engine, media_dir: Path) -> None:
    """Refuse a target that holds anything beyond what the migrations put there, or photos."""
    # The audit log of a database that holds nothing else tells only how it was set up (init-db):
    # the archive brings its own log, and the restore is recorded in it afterwards.
    seeded = seeded_tables(engine.backend) | {"audit_event"}
    filled = {t: n for t, n in engine.row_counts().items() if n and t not in seeded}
    if filled:
        shown = ", ".join(f"{t} {n}" for t, n in list(filled.items())[:4])
        raise Conflict(
            f"目标数据库不是空的（{shown} 行…），加 --force 才会替换 "
            f"(the target database is not empty: {shown} rows; use --force to replace it)",
            en=f"The target database is not empty ({shown} rows…); add --force to replace it",
        )
    if media_dir.is_dir() and any(media_dir.iterdir()):
        raise Conflict(
            f"照片文件夹 {media_dir} 不是空的，加 --force 才会替换 "
            f"(the media folder {media_dir} is not empty; use --force to replace it)",
            en=f"The media folder {media_dir} is not empty; add --force to replace it",
        )


def _migrate(url: str, report: Report) -> list[str]:
    """Bring an archive of an older schema up to this code's."""
    from geodata.stores.store import open_store

    report("upgrading the schema…")
    store = open_store(url)
    try:
        return store.migrate()
    finally:
        store.close()


def _swap_media(restored: Path, media_dir: Path) -> Path | None:
    """Put the restored photos in place; a folder that held photos is kept aside, not deleted."""
    kept = None
    if media_dir.is_dir() and any(media_dir.iterdir()):
        kept = media_dir.with_name(f"{media_dir.name}.before-restore-{datetime.now(UTC):%Y%m%d%H%M%S}")
        media_dir.rename(kept)
    elif media_dir.is_dir():
        media_dir.rmdir()
    if restored.is_dir():
        restored.rename(media_dir)
    else:
        media_dir.mkdir()
    return kept

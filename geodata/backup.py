"""Backup and restore (DESIGN §11, integrity and recovery): the database and the photo folder in
one archive — a tar (gzipped when its name ends in .gz or .tgz) holding ``manifest.json``, the
database (``database.sqlite`` or ``database.dump``) and ``media/...`` — with the size and SHA-256 of
every member in the manifest, checked before anything is restored."""

from __future__ import annotations

import hashlib
import json
import os
import tarfile
import tempfile
import tomllib
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from gzip import BadGzipFile
from pathlib import Path, PurePosixPath

from geodata.backup_engines import check_dump, check_sqlite_copy, engine_for, known_schema, seeded_tables
from geodata.errors import Conflict, InvalidFile, InvalidInput

FORMAT = "portal-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
DATABASE_MEMBERS = {"sqlite": "database.sqlite", "postgis": "database.dump"}
CHUNK = 1 << 20
ROOT = Path(__file__).resolve().parent.parent
SHOWN_TABLES = ("county", "unit", "zone", "segment", "assignment", "incident", "inspection", "app_user")

Report = Callable[[str], None]


def _quiet(message: str) -> None:
    pass


@dataclass
class Manifest:
    """What an archive holds: where it came from and every member's size and checksum."""

    backend: str
    schema_version: int
    counties: list[str]
    created_at: str
    portal_version: str
    files: dict[str, dict] = field(default_factory=dict)  # member -> {"sha256": hex, "size": bytes}
    row_counts: dict[str, int] = field(default_factory=dict)
    format: str = FORMAT
    format_version: int = FORMAT_VERSION

    def to_json(self) -> bytes:
        return json.dumps(asdict(self), ensure_ascii=False, indent=2).encode()

    @classmethod
    def from_json(cls, data: bytes) -> Manifest:
        try:
            raw = json.loads(data)
            if raw.get("format") != FORMAT:
                raise ValueError("not a portal backup")
            manifest = cls(**{k: raw[k] for k in cls.__dataclass_fields__})
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise InvalidFile(
                f"manifest.json 无效 (manifest.json is not a portal backup manifest: {exc})"
            ) from None
        if manifest.format_version > FORMAT_VERSION:
            raise InvalidFile(
                f"备份格式版本 {manifest.format_version} 比本程序新 (archive format {manifest.format_version} "
                f"is newer than this portal's {FORMAT_VERSION}): 请先升级门户程序"
            )
        return manifest

    @property
    def media_files(self) -> int:
        return sum(name.startswith("media/") for name in self.files)

    def lines(self) -> list[str]:
        """A few readable lines: where from, when, how much."""
        size_mb = sum(f["size"] for f in self.files.values()) / 1048576
        shown = ", ".join(f"{t} {self.row_counts[t]}" for t in SHOWN_TABLES if t in self.row_counts)
        return [
            f"  {self.backend} database, schema version {self.schema_version}, "
            f"counties {', '.join(self.counties) or '-'}, made {self.created_at} (portal {self.portal_version})",
            f"  rows: {shown} ({sum(self.row_counts.values())} in {len(self.row_counts)} tables)",
            f"  {self.media_files} media files; {size_mb:.1f} MB in all",
        ]


# -- backup ------------------------------------------------------------------------------------
def backup(url: str, media_dir: Path, path: Path, report: Report = _quiet) -> Manifest:
    """Write the database at ``url`` and the photos under ``media_dir`` to the archive ``path``."""
    path = Path(path)
    if path.exists():
        raise InvalidInput(f"{path} 已存在，不覆盖 (the file exists: choose a new name)", field="path")
    if not path.parent.is_dir():
        raise InvalidInput(f"文件夹 {path.parent} 不存在 (no folder {path.parent})", field="path")
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
        with _atomic(path) as out, tarfile.open(fileobj=out, mode=_write_mode(path)) as tar:
            for name, file in members:
                manifest.files[name] = _add_file(tar, name, file)
            _add_bytes(tar, MANIFEST, manifest.to_json())
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


def _write_mode(path: Path) -> str:
    return "w|gz" if path.name.endswith((".gz", ".tgz")) else "w|"


@contextmanager
def _atomic(path: Path) -> Iterator:
    """A file written under a temporary name and renamed only when complete: a failed backup
    leaves nothing half-written. Readable by its owner only (it holds personal data)."""
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(fd, "wb") as out:
            yield out
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


class _Hashing:
    """A file read through, hashing what passes (tarfile streams the member from it)."""

    def __init__(self, raw):
        self.raw, self.sha256, self.size = raw, hashlib.sha256(), 0

    def read(self, n: int = -1) -> bytes:
        data = self.raw.read(n)
        self.sha256.update(data)
        self.size += len(data)
        return data


def _add_file(tar: tarfile.TarFile, name: str, file: Path) -> dict:
    info = tarfile.TarInfo(name)
    info.size, info.mtime, info.mode = file.stat().st_size, int(file.stat().st_mtime), 0o600
    with file.open("rb") as raw:
        reader = _Hashing(raw)
        tar.addfile(info, reader)
    return {"sha256": reader.sha256.hexdigest(), "size": reader.size}


def _add_bytes(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    import io

    info = tarfile.TarInfo(name)
    info.size, info.mtime, info.mode = len(data), int(datetime.now(UTC).timestamp()), 0o600
    tar.addfile(info, io.BytesIO(data))


# -- reading and checking an archive ----------------------------------------------------------
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
    """Copy the archive's members into ``work`` and check each against the manifest; the manifest."""
    if not path.is_file():
        raise InvalidInput(f"备份文件 {path} 不存在 (no such file)", field="path")
    report(f"reading {path.name}…")
    found: dict[str, dict] = {}
    manifest_data = None
    try:
        with tarfile.open(path, "r|*") as tar:
            for member in tar:
                name = _member_name(member)
                if name in found or (name == MANIFEST and manifest_data is not None):
                    raise InvalidFile(f"备份文件中 {name} 出现两次 (member {name} appears twice)")
                source = tar.extractfile(member)
                if name == MANIFEST:
                    manifest_data = source.read(CHUNK)
                else:
                    found[name] = _copy_hashed(source, work / name)
    except (tarfile.TarError, EOFError, zlib.error, BadGzipFile) as exc:
        raise InvalidFile(
            f"备份文件 {path.name} 已损坏或不完整 (not a readable tar archive: {exc})"
        ) from None
    if manifest_data is None:
        raise InvalidFile(f"{path.name} 中没有 manifest.json (no manifest: not a portal backup)")
    manifest = Manifest.from_json(manifest_data)
    _check_members(manifest, found)
    return manifest


def _member_name(member: tarfile.TarInfo) -> str:
    """The member's name, when it is one an archive of ours may hold (no links, no ``..``)."""
    name = PurePosixPath(member.name)
    allowed = member.isfile() and not name.is_absolute() and ".." not in name.parts and (
        str(name) in (MANIFEST, *DATABASE_MEMBERS.values()) or (name.parts[0] == "media" and len(name.parts) > 1)
    )  # fmt: skip
    if not allowed:
        raise InvalidFile(f"备份文件中有意外的成员 {member.name!r} (unexpected member {member.name!r})")
    return str(name)


def _copy_hashed(source, target: Path) -> dict:
    target.parent.mkdir(parents=True, exist_ok=True)
    reader = _Hashing(source)
    with target.open("wb") as out:
        while chunk := reader.read(CHUNK):
            out.write(chunk)
    return {"sha256": reader.sha256.hexdigest(), "size": reader.size}


def _check_members(manifest: Manifest, found: dict[str, dict]) -> None:
    """Every member the manifest lists is there with its size and checksum, and nothing else is."""
    for name, expected in manifest.files.items():
        got = found.get(name)
        if got is None:
            raise InvalidFile(f"备份文件缺少 {name} (member {name} listed in the manifest is missing)")
        if got["size"] != expected.get("size"):
            raise InvalidFile(
                f"{name} 大小不符 (member {name}: {got['size']} bytes, the manifest says {expected.get('size')})"
            )
        if got["sha256"] != expected.get("sha256"):
            raise InvalidFile(
                f"{name} 校验和不符，文件已损坏或被改动 (member {name}: SHA-256 checksum mismatch)"
            )
    extra = sorted(set(found) - set(manifest.files))
    if extra:
        raise InvalidFile(f"备份文件中有清单之外的成员 {extra[0]} (member {extra[0]} is not in the manifest)")
    if DATABASE_MEMBERS.get(manifest.backend) not in manifest.files:
        raise InvalidFile(f"备份文件中没有数据库 (no database member for backend {manifest.backend!r})")


def _check_database(manifest: Manifest, work: Path, report: Report) -> None:
    """The database file itself: SQLite's integrity check and its rows against the manifest; for a
    dump, that pg_restore reads it and it holds the rows of every table the manifest counts."""
    member = DATABASE_MEMBERS[manifest.backend]
    report(f"checking {member}…")
    if manifest.backend == "sqlite":
        facts = check_sqlite_copy(work / member)
        if facts.row_counts != manifest.row_counts or facts.schema_version != manifest.schema_version:
            raise InvalidFile(
                f"{member} 与清单不符 ({member} does not hold the rows and schema the manifest lists)"
            )
        return
    tables = check_dump(work / member)
    missing = sorted(set(manifest.row_counts) - tables)
    if missing:
        raise InvalidFile(
            f"{member} 缺少表 {missing[0]} 的数据 ({member} holds no data of table {missing[0]})"
        )


def _newer_schema(manifest: Manifest) -> InvalidFile:
    known = known_schema(manifest.backend)
    return InvalidFile(
        f"备份的数据库结构版本 {manifest.schema_version} 比本程序认识的 {known} 新，请先升级门户程序 "
        f"(the archive's schema version {manifest.schema_version} is newer than this portal's {known})"
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
        counts = engine.row_counts()
        if counts != manifest.row_counts:
            wrong = next(t for t in sorted(set(counts) | set(manifest.row_counts))
                         if counts.get(t) != manifest.row_counts.get(t))  # fmt: skip
            raise InvalidFile(f"恢复后表 {wrong} 的行数与清单不符 (table {wrong}: {counts.get(wrong)} rows "
                              f"restored, the manifest says {manifest.row_counts.get(wrong)})")  # fmt: skip
        migrations = _migrate(url, report)
        report(f"restoring {manifest.media_files} media files…")
        kept = _swap_media(work / "media", media_dir)
    return Restored(manifest, migrations, kept)


def _check_target_backend(manifest: Manifest, backend: str) -> None:
    if manifest.backend != backend:
        raise InvalidFile(
            f"这是 {manifest.backend} 数据库的备份，不能恢复到 {backend}，跨后端转换不受支持 "
            f"(a {manifest.backend} archive cannot be restored into {backend}: converting between "
            "backends is not supported)"
        )
    if manifest.schema_version > known_schema(backend):
        raise _newer_schema(manifest)


def _check_empty(engine, media_dir: Path) -> None:
    """Refuse a target that holds anything beyond what the migrations put there, or photos."""
    seeded = seeded_tables(engine.backend)
    filled = {t: n for t, n in engine.row_counts().items() if n and t not in seeded}
    if filled:
        shown = ", ".join(f"{t} {n}" for t, n in list(filled.items())[:4])
        raise Conflict(
            f"目标数据库不是空的（{shown} 行…），加 --force 才会替换 "
            f"(the target database is not empty: {shown} rows; use --force to replace it)"
        )
    if media_dir.is_dir() and any(media_dir.iterdir()):
        raise Conflict(
            f"照片文件夹 {media_dir} 不是空的，加 --force 才会替换 "
            f"(the media folder {media_dir} is not empty; use --force to replace it)"
        )


def _migrate(url: str, report: Report) -> list[str]:
    """Bring an archive of an older schema up to this code's."""
    from geodata.store import open_store

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

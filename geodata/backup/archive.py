"""The backup archive itself: a tar (gzipped when its name ends in .gz or .tgz) holding
``manifest.json``, the database (``database.sqlite`` or ``database.dump``) and ``media/...``, the
manifest listing every other member's size and SHA-256. Written whole or not at all; read back
member by member, each checked before anything is done with it."""

from __future__ import annotations

import hashlib
import io
import json
import os
import tarfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from gzip import BadGzipFile
from pathlib import Path, PurePosixPath

from geodata.errors import InvalidFile, InvalidInput

FORMAT = "portal-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
DATABASE_MEMBERS = {"sqlite": "database.sqlite", "postgis": "database.dump"}
CHUNK = 1 << 20
MAX_MANIFEST = 64 << 20  # some 500,000 photos listed
SHOWN_TABLES = ("county", "unit", "zone", "segment", "assignment", "incident", "inspection", "app_user")


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
            if not all(isinstance(f, dict) for f in dict(manifest.files).values()):
                raise ValueError("files must map each member to its sha256 and size")
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise InvalidFile(
                f"manifest.json 无效 (manifest.json is not a portal backup manifest: {exc})",
                en=f"manifest.json is not a portal backup manifest: {exc}",
            ) from None
        if manifest.format_version > FORMAT_VERSION:
            raise InvalidFile(
                f"备份格式版本 {manifest.format_version} 比本程序新 (archive format {manifest.format_version} "
                f"is newer than this portal's {FORMAT_VERSION}): 请先升级门户程序",
                en=f"The backup format version {manifest.format_version} is newer than this portal's {FORMAT_VERSION}: upgrade the portal first",
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


def write_archive(path: Path, members: list[tuple[str, Path]], manifest: Manifest) -> None:
    """Write ``members`` (name in the archive, file) and then the manifest, which gets their sizes
    and checksums as they are streamed in (no file is read twice, none is held in memory)."""
    mode = "w|gz" if path.name.endswith((".gz", ".tgz")) else "w|"
    with _atomic(path) as out, tarfile.open(fileobj=out, mode=mode) as tar:
        for name, file in members:
            manifest.files[name] = _add_file(tar, name, file)
        _add_bytes(tar, MANIFEST, manifest.to_json())


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
    info = tarfile.TarInfo(name)
    info.size, info.mtime, info.mode = len(data), int(datetime.now(UTC).timestamp()), 0o600
    tar.addfile(info, io.BytesIO(data))


def unpack(path: Path, work: Path) -> Manifest:
    """Copy the archive's members into ``work`` and check each against the manifest; the manifest."""
    if not path.is_file():
        raise InvalidInput(
            f"备份文件 {path} 不存在 (no such file)", en=f"There is no backup file {path}", field="path"
        )
    found: dict[str, dict] = {}
    manifest_data = None
    try:
        with tarfile.open(path, "r|*") as tar:
            for member in tar:
                name = _member_name(member)
                if name in found or (name == MANIFEST and manifest_data is not None):
                    raise InvalidFile(
                        f"备份文件中 {name} 出现两次 (member {name} appears twice)",
                        en=f"{name} appears twice in the backup",
                    )
                source = tar.extractfile(member)
                if name == MANIFEST:
                    if member.size > MAX_MANIFEST:
                        raise InvalidFile(
                            f"manifest.json 过大 (manifest.json is {member.size} bytes)",
                            en=f"manifest.json is too large ({member.size} bytes)",
                        )
                    manifest_data = source.read()
                else:
                    found[name] = _copy_hashed(source, work / name)
    except (tarfile.TarError, EOFError, zlib.error, BadGzipFile) as exc:
        raise InvalidFile(
            f"备份文件 {path.name} 已损坏或不完整 (not a readable tar archive: {exc})",
            en=f"The backup file {path.name} is damaged or incomplete (not a readable tar archive: {exc})",
        ) from None
    if manifest_data is None:
        raise InvalidFile(
            f"{path.name} 中没有 manifest.json (no manifest: not a portal backup)",
            en=f"{path.name} has no manifest.json: it is not a portal backup",
        )
    manifest = Manifest.from_json(manifest_data)
    _check_members(manifest, found)
    return manifest


def _member_name(member: tarfile.TarInfo) -> str:
    """The member's name, when it is one an archive of ours may hold (no links, no ``..``)."""
    name = PurePosixPath(member.name)
    known = str(name) in (MANIFEST, *DATABASE_MEMBERS.values())
    photo = name.parts[:1] == ("media",) and len(name.parts) > 1
    allowed = member.isfile() and not name.is_absolute() and ".." not in name.parts and (known or photo)
    if not allowed:
        raise InvalidFile(
            f"备份文件中有意外的成员 {member.name!r} (unexpected member {member.name!r})",
            en=f"The backup holds an unexpected member {member.name!r}",
        )
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
            raise InvalidFile(
                f"备份文件缺少 {name} (member {name} listed in the manifest is missing)",
                en=f"The backup lacks {name}, which the manifest lists",
            )
        if got["size"] != expected.get("size"):
            raise InvalidFile(
                f"{name} 大小不符 (member {name}: {got['size']} bytes, the manifest says {expected.get('size')})",
                en=f"{name} has the wrong size: {got['size']} bytes, the manifest says {expected.get('size')}",
            )
        if got["sha256"] != expected.get("sha256"):
            raise InvalidFile(
                f"{name} 校验和不符，文件已损坏或被改动 (member {name}: SHA-256 checksum mismatch)",
                en=f"{name} fails its SHA-256 checksum: the file is damaged or was changed",
            )
    extra = sorted(set(found) - set(manifest.files))
    if extra:
        raise InvalidFile(
            f"备份文件中有清单之外的成员 {extra[0]} (member {extra[0]} is not in the manifest)",
            en=f"The backup holds a member that is not in the manifest: {extra[0]}",
        )
    if DATABASE_MEMBERS.get(manifest.backend) not in manifest.files:
        raise InvalidFile(
            f"备份文件中没有数据库 (no database member for backend {manifest.backend!r})",
            en=f"The backup holds no database (for the {manifest.backend!r} backend)",
        )

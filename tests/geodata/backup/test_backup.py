"""Backup and restore on both backends: a round trip keeps every row and every answer, and a bad
archive (damaged, from a newer schema, of the other backend) or a target that holds data is refused
with a message naming the problem, changing nothing."""

from __future__ import annotations

import io
import json
import sqlite3
import tarfile
from contextlib import closing
from datetime import timedelta
from pathlib import Path

import pytest
from PIL import Image

from demo.county import seed_demo
from demo.posts import demo_year, month_start
from geodata.assignments.postings import responsible
from geodata.assignments.targets import Target
from geodata.backup.engines import known_schema
from geodata.backup.jobs import backup, restore, verify
from geodata.cases import photos
from geodata.errors import ConfigError, Conflict, InvalidFile
from geodata.model import Unit
from geodata.stores.shared.base import migration_files
from geodata.stores.store import open_store
from layers.coverage import coverage_report
from layers.scores import month_scores
from tests.support.databases import committed_url, empty_url
from tests.support.web import COUNTY_CODE, build_county

NOW = month_start(1) + timedelta(days=19)  # in the demo year's last month (demo/posts.py)
MID_MONTH = month_start(6).strftime("%Y-%m")
DEMO_CODE = "440304"


# -- databases -------------------------------------------------------------------------------
def _small_sqlite(tmp_path: Path) -> tuple[str, Path]:
    """The small web test county with a photo, in a SQLite file."""
    url, media = committed_url(None, "sqlite", tmp_path, "source"), tmp_path / "media"
    _fill(url, media, lambda store: build_county(store)["county"])
    return url, media


def _fill(url: str, media: Path, build) -> None:
    """Write a county with ``build``, and a photo of its first incident into ``media``."""
    store = open_store(url)
    try:
        county = build(store)
        image = io.BytesIO()
        Image.new("RGB", (40, 30), (200, 30, 30)).save(image, "JPEG")
        incident = store.list_incidents(county.id)[0]
        photos.save_photo(store, media, incident, photos.read_upload(image.getvalue()), "测试", NOW)
    finally:
        store.close()


@pytest.fixture(params=["sqlite", "postgis"])
def small(request, tmp_path):
    """(backend, source url, media folder): the small web test county with a photo."""
    url = committed_url(request, request.param, tmp_path, "source")
    media = tmp_path / "instance" / "media"
    _fill(url, media, lambda store: build_county(store)["county"])
    return request.param, url, media


# -- what is compared ------------------------------------------------------------------------
def table_rows(url: str) -> dict[str, list]:
    """Every row of every table, in a stable order (geometry as its WKB)."""
    if url.startswith("sqlite:"):
        with closing(sqlite3.connect(url.removeprefix("sqlite:///"))) as conn:
            tables = [r[1] for r in conn.execute("PRAGMA table_list") if r[2] in ("table", "virtual")]
            return {
                t: sorted(conn.execute(f'SELECT * FROM "{t}"').fetchall(), key=repr)
                for t in tables
                if not t.startswith("sqlite_")
            }
    import psycopg
    from psycopg import sql

    with psycopg.connect(url) as conn:
        tables = conn.execute(
            "SELECT table_schema, table_name FROM information_schema.tables "
            "WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('pg_catalog', 'information_schema')"
        ).fetchall()
        query = sql.SQL("SELECT t::text FROM {} AS t ORDER BY 1")
        return {f"{s}.{t}": conn.execute(query.format(sql.Identifier(s, t))).fetchall() for s, t in tables}


def answers(url: str, code: str, month: str) -> dict:
    """What the portal answers: who guarded each target on a few days, coverage, scores."""
    store = open_store(url)
    try:
        county = store.get_county(code)
        days = [demo_year().start + timedelta(days=30), month_start(6), NOW]
        in_force = {at: sorted(store.assignments_at(county.id, at), key=repr) for at in days}
        who = {
            (s.id, at): responsible(store, county, Target("segment", s.id), at)
            for s in store.list_segments(county.id)[::500]
            for at in days
        }
        coverage = coverage_report(store, county, at=days[1], now=NOW).to_dict()
        scores = month_scores(store, county, month)
        return {"in_force": in_force, "who": who, "coverage": coverage, "scores": scores}
    finally:
        store.close()


def _media(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())} if folder.is_dir() else {}


# -- the round trip ----------------------------------------------------------------------------
@pytest.mark.parametrize("backend", ["sqlite", "postgis"])
def test_round_trip_keeps_every_row_and_every_answer(request, backend, tmp_path):
    source = committed_url(request, backend, tmp_path, "source")
    media = tmp_path / "instance" / "media"
    _fill(source, media, lambda store: seed_demo(store, seed=7, n_incidents=300).county)
    archive = tmp_path / "portal.tar.gz"
    made = backup(source, media, archive)
    assert made.backend == backend and made.counties == [DEMO_CODE]
    assert made.schema_version == known_schema(backend) and made.media_files == 2
    checked, notes = verify(archive)
    assert checked.row_counts == made.row_counts and notes == []

    target, restored_media = empty_url(request, backend, tmp_path, "restored"), tmp_path / "new" / "media"
    result = restore(target, restored_media, archive)
    assert result.migrations == [] and result.media_kept is None
    assert table_rows(target) == table_rows(source)
    before = answers(source, DEMO_CODE, MID_MONTH)
    assert (
        all(before["in_force"].values()) and before["scores"].units and before["coverage"]["unguarded_zones"]
    )
    assert answers(target, DEMO_CODE, MID_MONTH) == before
    assert _media(restored_media) == _media(media) and len(_media(media)) == 2

    store = open_store(target)  # the identity sequences came along: a new row gets a new id
    try:
        county = store.get_county(DEMO_CODE)
        (unit,) = store.add_units([Unit(county.id, "NEW", "新单位")])
        assert unit.id > max(u.id for u in store.list_units(county.id) if u.code != "NEW")
    finally:
        store.close()


def test_an_older_archive_is_upgraded_after_restore(request, small, tmp_path):
    backend, source, media = small
    _forget_last_migration(source)
    archive = tmp_path / "old.tar"
    assert backup(source, media, archive).schema_version < known_schema(backend)
    target = empty_url(request, backend, tmp_path, "upgraded")
    result = restore(target, tmp_path / "new" / "media", archive)
    assert result.migrations == [p.name for p in migration_files(backend) if p.name >= "0015"]
    store = open_store(target)
    try:
        assert store.schema_version() == known_schema(backend)
        assert store.count(store.get_county(COUNTY_CODE).id, "segment") == 3
    finally:
        store.close()


def _forget_last_migration(url: str) -> None:
    """Make the database look as a portal before migration 0015 left it (0016 only widened a CHECK
    and is applied again over its own work; on SQLite that rebuilds the demo's zone table; 0017's
    and 0018's columns are dropped, 0019's table and column, 0020's and 0021's tables and columns,
    0022's and 0024's tables, 0023's settings and indexes, 0025's, 0026's and 0027's columns and
    indexes, 0028's table, trigger and columns, 0029's tables, 0030's job table; 0029's triggers on
    the settings and checklist from the start are made again in place)."""
    postgis = not url.startswith("sqlite:")
    statements = [
        "DROP TABLE job",
        "DROP TABLE county_setting",
        "DROP TRIGGER category_no_delete" + (" ON category" if postgis else ""),
        *(["DROP TRIGGER category_no_truncate ON category"] if postgis else []),
        *(f"ALTER TABLE category DROP COLUMN {c}" for c in ("version", "retired_at", "cc_class", "cc_code")),
        "DROP INDEX user_session_user",
        "ALTER TABLE api_key DROP COLUMN last_used_at",
        "DROP INDEX public_report_following",
        "ALTER TABLE public_report DROP COLUMN notify_email",
        *(
            f"ALTER TABLE unit DROP COLUMN {c}"
            for c in (
                "head",
                "head_phone",
                "duty_officer",
                "duty_phone",
                "version",
                "retired_at",
                "retired_by",
            )
        ),
        "DROP TABLE score_setting_version",
        "DROP TABLE score_setting_change",
        "DROP TABLE checklist_version_item",
        "DROP TABLE checklist_version",
        "DROP TABLE reminder",
        "DELETE FROM score_setting WHERE key IN ('weight_evaluation', 'weight_handling')",
        "DROP INDEX incident_deadline",
        "DROP INDEX incident_event_step",
        "DROP TABLE feedback",
        "DROP TABLE supervision",
        "DROP TABLE case_request",
        "DROP TABLE holiday",
        "ALTER TABLE category DROP COLUMN deadline_kind",
        "DROP TABLE delivery",
        "DROP TABLE notification",
        *(
            f"ALTER TABLE unit DROP COLUMN {c}"
            for c in ("email", "wecom_url", "dingtalk_url", "dingtalk_secret")
        ),
        "DROP TABLE pending_reroute",
        "ALTER TABLE app_user DROP COLUMN lang",
        "ALTER TABLE category DROP COLUMN campaign",
        "DELETE FROM schema_migrations WHERE version >= 15",
    ]
    if url.startswith("sqlite:"):
        with closing(sqlite3.connect(url.removeprefix("sqlite:///"))) as conn, conn:
            for s in statements:
                conn.execute(s)
        return
    import psycopg

    with psycopg.connect(url) as conn:
        for s in statements:
            conn.execute(s)


# -- refusals ----------------------------------------------------------------------------------
def _rewrite(archive: Path, out: Path, change_manifest=None, change_member=None) -> Path:
    """A copy of ``archive`` with its manifest or one member's bytes changed."""
    with tarfile.open(archive) as src, tarfile.open(out, "w") as dst:
        for member in src.getmembers():
            data = src.extractfile(member).read()
            if member.name == "manifest.json" and change_manifest:
                manifest = json.loads(data)
                change_manifest(manifest)
                data = json.dumps(manifest).encode()
            elif change_member and member.name.startswith(change_member[0]):
                data = change_member[1](data)
            member.size = len(data)
            dst.addfile(member, io.BytesIO(data))
    return out


def _flip(data: bytes) -> bytes:
    middle = len(data) // 2
    return data[:middle] + bytes([data[middle] ^ 0xFF]) + data[middle + 1 :]


@pytest.mark.parametrize("member", ["database.", "media/"])
def test_a_damaged_member_is_named_and_nothing_is_restored(request, small, tmp_path, member):
    backend, source, media = small
    archive = tmp_path / "good.tar"
    backup(source, media, archive)
    bad = _rewrite(archive, tmp_path / "bad.tar", change_member=(member, _flip))
    with pytest.raises(InvalidFile, match="SHA-256 checksum mismatch") as refused:
        verify(bad)
    assert member in refused.value.message
    target, target_media = empty_url(request, backend, tmp_path, "t"), tmp_path / "t" / "media"
    before = table_rows(target) if backend == "postgis" else None
    with pytest.raises(InvalidFile, match=member.replace(".", r"\.")):
        restore(target, target_media, bad)
    assert _untouched(target, before) and not target_media.exists()


def _untouched(url: str, before) -> bool:
    if url.startswith("sqlite:"):
        return not Path(url.removeprefix("sqlite:///")).exists()
    return table_rows(url) == before


def test_an_archive_from_a_newer_schema_is_refused(request, small, tmp_path):
    backend, source, media = small
    archive = tmp_path / "good.tar"
    backup(source, media, archive)
    newer = known_schema(backend) + 1

    def bump(manifest):
        manifest["schema_version"] = newer

    bad = _rewrite(archive, tmp_path / "newer.tar", change_manifest=bump)
    target, target_media = empty_url(request, backend, tmp_path, "t"), tmp_path / "t" / "media"
    before = table_rows(target) if backend == "postgis" else None
    with pytest.raises(InvalidFile, match=f"schema version {newer} is newer than this portal's {newer - 1}"):
        restore(target, target_media, bad)
    assert _untouched(target, before) and not target_media.exists()


def test_a_target_that_holds_data_is_refused_unless_forced(request, small, tmp_path):
    backend, source, media = small
    archive = tmp_path / "good.tar"
    backup(source, media, archive)
    target, target_media = empty_url(request, backend, tmp_path, "t"), tmp_path / "t" / "media"
    restore(target, target_media, archive)
    store = open_store(target)
    try:
        store.add_units([Unit(store.get_county(COUNTY_CODE).id, "LATE", "后来的单位")])
    finally:
        store.close()
    changed = table_rows(target)
    with pytest.raises(Conflict, match="the target database is not empty: .*use --force"):
        restore(target, target_media, archive)
    assert table_rows(target) == changed

    result = restore(target, target_media, archive, force=True)
    assert table_rows(target) == table_rows(source) != changed
    assert result.media_kept is not None and _media(result.media_kept) == _media(target_media)


def test_photos_left_in_the_media_folder_count_as_data(tmp_path):
    url, media = _small_sqlite(tmp_path)
    backup(url, media, tmp_path / "a.tar")
    stray = tmp_path / "t" / "media"
    stray.mkdir(parents=True)
    (stray / "old.jpg").write_bytes(b"x")
    with pytest.raises(Conflict, match="media folder .* is not empty"):
        restore(f"sqlite:///{tmp_path / 't.sqlite'}", stray, tmp_path / "a.tar")
    assert not (tmp_path / "t.sqlite").exists() and _media(stray) == {"old.jpg": b"x"}


def test_an_archive_of_the_other_backend_is_refused(postgis_url, tmp_path):
    url, _ = _small_sqlite(tmp_path)
    backup(url, tmp_path / "media", tmp_path / "a.tar")
    with pytest.raises(InvalidFile, match="converting between backends is not supported"):
        restore(postgis_url, tmp_path / "pg" / "media", tmp_path / "a.tar")


def test_a_member_outside_the_archive_is_refused(tmp_path):
    evil = tmp_path / "evil.tar"
    with tarfile.open(evil, "w") as tar:
        info = tarfile.TarInfo("../outside.txt")
        info.size = 2
        tar.addfile(info, io.BytesIO(b"hi"))
    with pytest.raises(InvalidFile, match="unexpected member '../outside.txt'"):
        verify(evil)
    assert not (tmp_path.parent / "outside.txt").exists()


def test_not_an_archive_and_a_truncated_one_are_refused(tmp_path):
    url, _ = _small_sqlite(tmp_path)
    backup(url, tmp_path / "media", tmp_path / "a.tar.gz")
    (tmp_path / "cut.tar.gz").write_bytes((tmp_path / "a.tar.gz").read_bytes()[:5000])
    (tmp_path / "text.tar").write_text("hello")
    for name in ("cut.tar.gz", "text.tar"):
        with pytest.raises(InvalidFile, match="not a readable tar archive|no manifest"):
            verify(tmp_path / name)


def test_a_failed_backup_leaves_no_file(tmp_path):
    with pytest.raises(Exception, match="no SQLite database"):
        backup(f"sqlite:///{tmp_path / 'missing.sqlite'}", tmp_path / "media", tmp_path / "b.tar")
    assert list(tmp_path.iterdir()) == []


def test_an_existing_archive_is_not_overwritten(tmp_path):
    (tmp_path / "b.tar").write_bytes(b"keep")
    with pytest.raises(Exception, match="the file exists"):
        backup(f"sqlite:///{tmp_path / 'x.sqlite'}", tmp_path / "media", tmp_path / "b.tar")
    assert (tmp_path / "b.tar").read_bytes() == b"keep"


def test_a_postgis_restore_that_fails_half_way_changes_nothing(committed_postgis_url, tmp_path, monkeypatch):
    from geodata.backup import engines as backup_engines

    media = tmp_path / "media"
    _fill(committed_postgis_url, media, lambda store: build_county(store)["county"])
    backup(committed_postgis_url, media, tmp_path / "a.tar")
    before = table_rows(committed_postgis_url)
    run = backup_engines._run

    def failing_late(tool, args, env, what=None):
        out = run(tool, args, env, what)
        if tool == "pg_restore" and "-f" in args:  # the script psql runs: make its last statement fail
            with open(args[args.index("-f") + 1], "a") as script:
                script.write("\nSELECT 1 / 0;\n")
        return out

    monkeypatch.setattr(backup_engines, "_run", failing_late)
    with pytest.raises(ConfigError, match="psql failed: .*division by zero"):
        restore(committed_postgis_url, tmp_path / "t" / "media", tmp_path / "a.tar", force=True)
    assert table_rows(committed_postgis_url) == before

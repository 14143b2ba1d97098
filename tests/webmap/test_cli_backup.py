"""``flask backup``, ``backup --verify`` and ``restore``: a round trip between two portals, and
refusals as one ``Error:`` line with exit status 1."""

from __future__ import annotations

import tarfile

import pytest

from tests.support.web import COUNTY_CODE, build_county
from webmap import create_app, get_store


@pytest.fixture
def other_app(tmp_path):
    """A second portal on a database file not yet there, with its own instance folder."""
    return create_app(
        {
            "database_url": f"sqlite:///{tmp_path / 'other' / 'portal.sqlite'}",
            "instance_path": str(tmp_path / "other"),
            "testing": True,
            "seed_demo_on_start": False,
        }
    )


def _invoke(app, *args):
    result = app.test_cli_runner().invoke(args=[str(a) for a in args])
    assert "Traceback" not in result.output
    return result


def _segments(app) -> list:
    with app.app_context():
        store = get_store()
        return [(s.id, s.name, s.geom.wkb) for s in store.list_segments(store.get_county(COUNTY_CODE).id)]


def test_backup_verify_and_restore_into_another_portal(app, other_app, tmp_path):
    (tmp_path / "media").mkdir()
    (tmp_path / "media" / "p.jpg").write_bytes(b"photo")
    path = tmp_path / "portal.tar.gz"
    made = _invoke(app, "backup", path)
    assert made.exit_code == 0 and f"wrote {path}" in made.stdout
    assert "counties 990001" in made.stdout and "segment 3" in made.stdout and "1 media files" in made.stdout
    assert "copying the sqlite database" in made.stderr  # progress, apart from the summary

    checked = _invoke(app, "backup", "--verify", path)
    assert checked.exit_code == 0 and checked.stdout.startswith("OK:")

    restored = _invoke(other_app, "restore", path)
    assert restored.exit_code == 0, restored.output
    assert _segments(other_app) == _segments(app)
    assert (tmp_path / "other" / "media" / "p.jpg").read_bytes() == b"photo"

    again = _invoke(other_app, "restore", path)
    assert again.exit_code == 1
    assert "Error: 目标数据库不是空的" in again.stderr and "use --force" in again.stderr
    assert _invoke(other_app, "restore", "--force", path).exit_code == 0
    assert _segments(other_app) == _segments(app)


def test_a_postgis_portal_restored_into_a_fresh_database(committed_postgis_url, empty_postgis_url, tmp_path):
    apps = []
    for name, url in (("source", committed_postgis_url), ("target", empty_postgis_url)):
        config = {"database_url": url, "instance_path": str(tmp_path / name), "testing": True}
        apps.append(create_app({**config, "seed_demo_on_start": False, "default_county": COUNTY_CODE}))
    source, target = apps
    with source.app_context():
        build_county(get_store())
    path = tmp_path / "portal.tar"
    assert _invoke(source, "backup", path).exit_code == 0
    assert _invoke(source, "backup", "--verify", path).stdout.startswith("OK:")
    assert _invoke(target, "init-db").exit_code == 0  # a schema with no data is still empty
    restored = _invoke(target, "restore", path)
    assert restored.exit_code == 0, restored.output
    assert "postgis database" in restored.stdout and _segments(target) == _segments(source)


def test_a_damaged_archive_is_one_error_line(app, other_app, tmp_path):
    path = tmp_path / "portal.tar"
    assert _invoke(app, "backup", path).exit_code == 0
    with tarfile.open(path) as tar:
        offset = tar.getmember("database.sqlite").offset_data
    data = bytearray(path.read_bytes())
    data[offset + 5000] ^= 0xFF
    path.write_bytes(bytes(data))
    for command in (("backup", "--verify", path), ("restore", path)):
        result = _invoke(other_app, *command)
        assert result.exit_code == 1
        assert "member database.sqlite: SHA-256 checksum mismatch" in result.stderr
    assert not (tmp_path / "other" / "portal.sqlite").exists()


def test_backup_refuses_to_overwrite(app, tmp_path):
    (tmp_path / "old.tar").write_bytes(b"keep")
    result = _invoke(app, "backup", tmp_path / "old.tar")
    assert result.exit_code == 1 and "the file exists" in result.stderr
    assert (tmp_path / "old.tar").read_bytes() == b"keep"

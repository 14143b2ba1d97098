"""Front-end packages served by the portal itself from ``node_modules`` (pinned by package-lock).

County networks are often intranets: nothing on a page may come from a CDN. Only the folders listed
here are served, and only files of the listed kinds.
"""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Flask, abort, send_from_directory

from webmap import settings

bp = Blueprint("assets", __name__)

# package → folders inside it that pages may load. Every package here is in package.json.
VENDOR_FOLDERS = {
    "leaflet": ("dist/",),
    "leaflet.heat": ("dist/",),
    "leaflet.vectorgrid": ("dist/",),
    "echarts": ("dist/",),
    "@geoman-io/leaflet-geoman-free": ("dist/",),
}
SERVED_SUFFIXES = (".js", ".css", ".png", ".svg", ".gif", ".map")
CACHE_SECONDS = 24 * 3600


def vendor_path(package: str, filename: str) -> tuple[Path, str] | None:
    """The folder and file to send for /vendor/<package>/<filename>, or None when not listed."""
    folders = VENDOR_FOLDERS.get(package)
    if folders is None or not filename.endswith(SERVED_SUFFIXES):
        return None
    if not filename.startswith(folders) or ".." in filename.split("/"):
        return None
    return Path(settings().node_modules) / package, filename


@bp.route("/vendor/<package>/<path:filename>")
def vendor(package: str, filename: str):
    return _send(package, filename)


@bp.route("/vendor/@<scope>/<package>/<path:filename>")
def scoped_vendor(scope: str, package: str, filename: str):
    """A package of an npm scope (@scope/package)."""
    return _send(f"@{scope}/{package}", filename)


def _send(package: str, filename: str):
    found = vendor_path(package, filename)
    if found is None:
        abort(404)
    root, name = found
    return send_from_directory(root, name, max_age=CACHE_SECONDS)


def check_vendor_installed(app: Flask) -> list[str]:
    """Packages missing from node_modules (``npm ci`` installs them); logged at start."""
    root = Path(app.extensions["portal_settings"].node_modules)
    missing = [p for p in VENDOR_FOLDERS if not (root / p / "package.json").is_file()]
    if missing:
        app.logger.warning(
            "front-end packages missing from %s: %s; run `npm ci` in the project folder",
            root,
            ", ".join(missing),
        )
    return missing

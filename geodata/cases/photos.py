"""Photos of a case: checked by their content, kept under the instance's media folder with random
names, the original for staff and a copy without EXIF (no camera, no place, no time) for anyone
else. A photo's GPS position stands in for a report sent without one."""

from __future__ import annotations

import io
import secrets
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from PIL import Image, ImageOps, UnidentifiedImageError

from geodata.errors import InvalidFile
from geodata.model import Incident, Photo
from geodata.stores.store import Store

MAX_BYTES = 10 * 1024 * 1024
FORMATS = {"JPEG": ("image/jpeg", ".jpg"), "PNG": ("image/png", ".png"), "WEBP": ("image/webp", ".webp")}
GPS_IFD = 0x8825
Image.MAX_IMAGE_PIXELS = 60_000_000  # a phone photo is ~12–50 Mpx; refuse decompression bombs


@dataclass
class Upload:
    data: bytes
    format: str  # JPEG | PNG | WEBP
    gps: tuple[float, float] | None  # (lon, lat) from EXIF

    @property
    def content_type(self) -> str:
        return FORMATS[self.format][0]


def read_upload(data: bytes) -> Upload:
    """Check an uploaded file is a JPEG, PNG or WebP image of at most 10 MB, by its content."""
    if not data:
        raise InvalidFile("照片为空文件", en="The photo is an empty file", field="photo")
    if len(data) > MAX_BYTES:
        raise InvalidFile(
            f"照片过大：{len(data) / 1048576:.1f} MB，最大 10 MB",
            en=f"The photo is too large: {len(data) / 1048576:.1f} MB, at most 10 MB",
            field="photo",
        )
    try:
        with Image.open(io.BytesIO(data)) as image:
            fmt = image.format
            image.verify()
        with Image.open(io.BytesIO(data)) as image:
            gps = _gps(image)
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError):
        raise InvalidFile(
            "上传的文件不是可识别的图片（支持 JPEG、PNG、WebP）",
            en="The uploaded file is not a recognisable image (JPEG, PNG and WebP are supported)",
            field="photo",
        ) from None
    if fmt not in FORMATS:
        raise InvalidFile(
            f"不支持的图片格式 {fmt}：请上传 JPEG、PNG 或 WebP",
            en=f"Unsupported image format {fmt}: please upload JPEG, PNG or WebP",
            field="photo",
        )
    return Upload(data, fmt, gps)


def save_photo(
    store: Store, media_dir: Path, incident: Incident, upload: Upload, by: str, now: datetime
) -> Photo:
    """Write the original and its EXIF-free copy, and record them against the case."""
    name, public = write_photo(media_dir, upload)
    return store.add_photo(
        Photo(incident.county_id, incident.id, name, public, upload.content_type, len(upload.data), by, now)
    )


def write_photo(media_dir: Path, upload: Upload) -> tuple[str, str]:
    """Write the original and its EXIF-free copy under random names; the two names."""
    media_dir.mkdir(parents=True, exist_ok=True)
    ext = FORMATS[upload.format][1]
    name, public = secrets.token_hex(16) + ext, secrets.token_hex(16) + ext
    (media_dir / name).write_bytes(upload.data)
    (media_dir / public).write_bytes(_without_metadata(upload))
    return name, public


def _without_metadata(upload: Upload) -> bytes:
    """The image re-encoded from its pixels alone: no EXIF, XMP or text chunks survive."""
    with Image.open(io.BytesIO(upload.data)) as image:
        upright = ImageOps.exif_transpose(image)  # the rotation EXIF carried goes into the pixels
        clean = Image.frombytes(upright.mode, upright.size, upright.tobytes())  # pixels, nothing else
        if upright.mode in ("P", "PA"):
            clean.putpalette(upright.getpalette())
        out = io.BytesIO()
        kwargs = {"quality": 90} if upload.format in ("JPEG", "WEBP") else {}
        clean.save(out, upload.format, **kwargs)
    return out.getvalue()


def _gps(image: Image.Image) -> tuple[float, float] | None:
    """(lon, lat) from the EXIF GPS block, or None when absent or unreadable."""
    try:
        info = image.getexif().get_ifd(GPS_IFD)
        lat = _degrees(info[2], info.get(1, "N"), "S")
        lon = _degrees(info[4], info.get(3, "E"), "W")
    except (KeyError, TypeError, ValueError, ZeroDivisionError, IndexError):
        return None
    return lon, lat


def _degrees(dms, ref, negative: str) -> float:
    d, m, s = (float(x) for x in dms)
    value = d + m / 60 + s / 3600
    return -value if str(ref).upper().startswith(negative) else value

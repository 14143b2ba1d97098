"""All configuration, read once from the environment (``PORTAL_*`` and ``DATABASE_URL``)."""

from __future__ import annotations

import os
import re
import secrets
from dataclasses import dataclass, fields, replace
from datetime import date
from pathlib import Path

from geodata.errors import ConfigError

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Settings:
    database_url: str = f"sqlite:///{ROOT / 'instance' / 'portal.sqlite'}"
    secret_key: str = ""
    route_max_m: float = 30.0
    boundary_review_m: float = 10.0
    duplicate_radius_m: float = 20.0
    duplicate_window_h: float = 24.0
    max_upload_mb: float = 12.0  # a 10 MB photo and the form around it
    public_report_limit: int = 5  # 随手拍 one address may send per window
    public_report_window_h: float = 1.0
    basemap: str = "none"  # none | an XYZ URL | tianditu:<key> (webmap/basemap.py)
    tile_cache_mb: int = 64  # roads and zones tiles kept per process (layers/tile_cache.py); 0: none
    trusted_proxies: int = 0  # reverse proxies in front whose X-Forwarded-For tells the sender's address
    default_county: str = "440304"
    host: str = "127.0.0.1"  # where ``python app.py`` listens (gunicorn: its own --bind)
    port: int = 5000
    demo_seed: int = 42
    today: str = ""  # YYYY-MM-DD: the portal's clock moved to that day (demos and tests); "": the real day
    seed_demo_on_start: bool = True
    instance_path: str = str(ROOT / "instance")
    node_modules: str = str(ROOT / "node_modules")
    testing: bool = False
    https: bool = False  # served over HTTPS: Secure cookies and HSTS (webmap/security.py)
    login_max_failures: int = 5  # wrong passwords for one account within the lock time: then it is locked
    login_lock_minutes: float = 15.0  # the window those failures are counted in, and how long the lock lasts
    login_address_max_failures: int = 20  # wrong passwords from one address, any names, in that window
    session_idle_minutes: float = 30.0  # a session unused this long is signed out
    session_max_hours: float = 12.0  # and any session this long after sign-in
    smtp_url: str = (
        ""  # smtp://user:pass@host:587?starttls=1&from=… (geodata/notify/channels.py); "": no e-mail
    )
    public_url: str = (
        ""  # https://cc.example.gov.cn: the portal's address, for the links in e-mails ("": paths only)
    )
    notify_max_tries: int = 6  # a delivery failing this many times is given up (shown on /admin/deliveries)
    notify_retry_s: float = (
        60.0  # the first retry's wait; each next one waits twice as long (at most an hour)
    )
    notify_lease_s: float = 300.0  # how long a worker holds the deliveries it claimed
    notify_worker: bool = True  # ``python app.py`` delivers in a thread of its own (the demo)
    cases_max_extensions: int = 2  # 延期 a case may be granted (geodata/cases/handling.py)
    cases_max_extension_days: float = 30.0  # how far past its deadline one 延期 may move it
    cases_supervise_after_h: float = 24.0  # overdue this long: level 1 督办 to the unit, by the worker
    cases_escalate_after_h: float = 24.0  # and this much longer: level 2 督办 to the county's leaders
    digest_hour: int = 8  # from this hour (county clock, 0–23) each unit gets its day's digest


_ENV = {
    "database_url": "DATABASE_URL",
    "secret_key": "PORTAL_SECRET_KEY",
    "route_max_m": "PORTAL_ROUTE_MAX_M",
    "boundary_review_m": "PORTAL_BOUNDARY_REVIEW_M",
    "duplicate_radius_m": "PORTAL_DUPLICATE_RADIUS_M",
    "duplicate_window_h": "PORTAL_DUPLICATE_WINDOW_H",
    "max_upload_mb": "PORTAL_MAX_UPLOAD_MB",
    "public_report_limit": "PORTAL_PUBLIC_REPORT_LIMIT",
    "public_report_window_h": "PORTAL_PUBLIC_REPORT_WINDOW_H",
    "trusted_proxies": "PORTAL_TRUSTED_PROXIES",
    "basemap": "PORTAL_BASEMAP",
    "tile_cache_mb": "PORTAL_TILE_CACHE_MB",
    "default_county": "PORTAL_DEFAULT_COUNTY",
    "host": "PORTAL_HOST",
    "port": "PORTAL_PORT",
    "demo_seed": "PORTAL_DEMO_SEED",
    "today": "PORTAL_TODAY",
    "seed_demo_on_start": "PORTAL_SEED_DEMO_ON_START",
    "instance_path": "PORTAL_INSTANCE_PATH",
    "node_modules": "PORTAL_NODE_MODULES",
    "https": "PORTAL_HTTPS",
    "login_max_failures": "PORTAL_LOGIN_MAX_FAILURES",
    "login_lock_minutes": "PORTAL_LOGIN_LOCK_MINUTES",
    "login_address_max_failures": "PORTAL_LOGIN_ADDRESS_MAX_FAILURES",
    "session_idle_minutes": "PORTAL_SESSION_IDLE_MINUTES",
    "session_max_hours": "PORTAL_SESSION_MAX_HOURS",
    "smtp_url": "PORTAL_SMTP_URL",
    "public_url": "PORTAL_PUBLIC_URL",
    "notify_max_tries": "PORTAL_NOTIFY_MAX_TRIES",
    "notify_retry_s": "PORTAL_NOTIFY_RETRY_S",
    "notify_lease_s": "PORTAL_NOTIFY_LEASE_S",
    "notify_worker": "PORTAL_NOTIFY_WORKER",
    "cases_max_extensions": "PORTAL_CASES_MAX_EXTENSIONS",
    "cases_max_extension_days": "PORTAL_CASES_MAX_EXTENSION_DAYS",
    "cases_supervise_after_h": "PORTAL_CASES_SUPERVISE_AFTER_H",
    "cases_escalate_after_h": "PORTAL_CASES_ESCALATE_AFTER_H",
    "digest_hour": "PORTAL_DIGEST_HOUR",
}


def _parse(name: str, raw: str, kind: type):
    try:
        if kind is bool:
            if raw.lower() in ("1", "true", "yes", "on"):
                return True
            if raw.lower() in ("0", "false", "no", "off", ""):
                return False
            raise ValueError(raw)
        value = kind(raw)
    except ValueError:
        raise ConfigError(
            f"{_ENV[name]}={raw!r} 不是有效的 {kind.__name__}",
            en=f"{_ENV[name]}={raw!r} is not a valid {kind.__name__}",
        ) from None
    if kind in (float, int) and name.startswith(("login_", "session_", "notify_", "cases_")) and value <= 0:
        raise ConfigError(
            f"{_ENV[name]} 应为正数，而不是 {raw!r}",
            en=f"{_ENV[name]} must be a positive number, not {raw!r}",
        )
    if name == "digest_hour" and not 0 <= value <= 23:
        raise ConfigError(
            f"{_ENV[name]} 应为 0 至 23 之间的小时，而不是 {raw!r}",
            en=f"{_ENV[name]} must be an hour from 0 to 23, not {raw!r}",
        )
    if (
        name == "public_url"
        and value.strip()
        and not re.fullmatch(r"https?://[^\s/?#]+(/[^\s?#]*)?", value.strip())
    ):
        raise ConfigError(
            f"{_ENV[name]} 应为门户的网址，如 https://cc.example.gov.cn，而不是 {raw!r}",
            en=f"{_ENV[name]} must be the portal's address, such as https://cc.example.gov.cn, not {raw!r}",
        )
    if name == "port" and not 1 <= value <= 65535:
        raise ConfigError(
            f"{_ENV[name]} 应为 1 至 65535 之间的端口号，而不是 {raw!r}",
            en=f"{_ENV[name]} must be a port number from 1 to 65535, not {raw!r}",
        )
    if name == "today" and value.strip():
        try:
            date.fromisoformat(value.strip())
        except ValueError:
            raise ConfigError(
                f"{_ENV[name]} 应为日期 YYYY-MM-DD，如 2027-01-15，而不是 {raw!r}",
                en=f"{_ENV[name]} must be a day YYYY-MM-DD, such as 2027-01-15, not {raw!r}",
            ) from None
    if kind is float and value <= 0:
        raise ConfigError(
            f"{_ENV[name]} 应为正数，而不是 {raw!r}",
            en=f"{_ENV[name]} must be a positive number, not {raw!r}",
        )
    return value


def load_settings(overrides: dict | None = None, environ=None) -> Settings:
    """Settings from the environment, then ``overrides`` (tests pass theirs here)."""
    environ = os.environ if environ is None else environ
    types = {f.name: type(f.default) for f in fields(Settings)}
    values = {}
    for name, var in _ENV.items():
        if var in environ:
            values[name] = _parse(name, environ[var], types[name])
    settings = replace(Settings(), **values, **(overrides or {}))
    if not settings.secret_key:
        settings = replace(settings, secret_key=_instance_secret(Path(settings.instance_path)))
    return settings


def _instance_secret(instance: Path) -> str:
    """A random key kept in the instance folder, so sessions survive a restart."""
    instance.mkdir(parents=True, exist_ok=True)
    path = instance / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()

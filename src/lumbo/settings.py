"""lumbo's settings: one typed model, read from the environment once at each entry point
(``lumbo serve``, ``lumbo worker``, every CLI command that opens the store).

This is the only module that reads lumbo's environment variables. :meth:`Settings.from_env` reads
them all, once, at each entry point (CLI commands, ``lumbo serve``, ``lumbo worker``, the ASGI
factory :func:`lumbo.asgi.app_from_env`); the store's and the queue's typed parameters
(:attr:`Settings.store`, :meth:`lumbo.jobs.settings.QueueSettings.of`) are built from it, never
from the environment.
The data directory and the database are decided here only, so ``lumbo init``,
``lumbo measure --record``, the web service and the worker always share one database.

=========================  ========================================================================
``LUMBO_DATA_DIR``         data directory (default: the user data dir); holds the SQLite file,
                           uploads and the generated secret key
``LUMBO_DATABASE_URL``     database (default: ``sqlite:///<data dir>/lumbo.db``)
``LUMBO_SECRET_KEY``       secret for CSRF tokens; when unset, a random key is generated on first
                           run and kept in ``<data dir>/secret_key`` (mode 0600)
``LUMBO_COOKIE_SECURE``    ``1``: served over HTTPS (behind a TLS proxy): cookies carry ``Secure``
                           and answers carry ``Strict-Transport-Security``
``LUMBO_TRUSTED_PROXIES``  comma-separated addresses/networks of reverse proxies whose
                           ``X-Forwarded-For`` is believed (default: none)
``LUMBO_MAX_UPLOAD_MB``    largest video upload (default 200)
``LUMBO_MAX_VIDEO_SECONDS`` longest video accepted for analysis (default 120)
``LUMBO_MAX_VIDEO_FRAMES``  most frames in one video (default 7200)
``LUMBO_MAX_VIDEO_SIDE``    largest width or height in pixels (default 2160)
``LUMBO_UPLOADS_PER_HOUR``  video uploads per account per hour (default 20)
``LUMBO_HASHING_SLOTS``    sign-ins hashing at once (default 2; each argon2 hash takes 64 MiB)
``LUMBO_API_DOCS``         ``1``/``0``: serve ``/docs`` and ``/openapi.json`` (default: on,
                           off when ``LUMBO_PRODUCTION=1``)
``LUMBO_PRODUCTION``       ``1``: production defaults (no API docs)
``LUMBO_HOST`` / ``_PORT`` where ``lumbo serve`` listens (default 127.0.0.1:8000)
``LUMBO_DB_POOL_SIZE``     database connections kept per process (default 10) and
``LUMBO_DB_POOL_OVERFLOW`` extra ones under load (default 30): see ``docs/performance.md``
``LUMBO_QUEUE_URL``, ``LUMBO_QUEUE_NAME``, ``LUMBO_JOB_STALE_S``: the task queue
                           (:mod:`lumbo.jobs.settings`)
``LUMBO_SMTP_HOST``        SMTP server for e-mail (reminders, handouts); mail is off without it.
                           ``LUMBO_SMTP_PORT`` (587), ``LUMBO_SMTP_FROM`` (the sender, required
                           with a host), ``LUMBO_SMTP_USER`` / ``LUMBO_SMTP_PASSWORD``,
                           ``LUMBO_SMTP_TLS`` ``starttls`` (default), ``ssl`` or ``none``
``LUMBO_PUBLIC_URL``       the address patients open lumbo at (``https://lumbo.example.org``), for
                           links in mail the worker sends (default ``http://<host>:<port>``)
``LUMBO_SIGNUP``           ``1``/``0``: individuals may create their own (self-directed) patient
                           account at ``/signup``. Default: on with the embedded SQLite database
                           (``make run``, a person at home), off when ``LUMBO_DATABASE_URL``
                           names a server database (a clinic); the variable wins when set
=========================  ========================================================================
"""

from __future__ import annotations

import os
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from ipaddress import IPv4Network, IPv6Network, ip_network
from pathlib import Path

from platformdirs import user_data_dir

from lumbo.domain.errors import InvalidInput, Problem
from lumbo.store.settings import ENV_DATABASE_URL, StoreSettings, parse_database_url

ENV_DATA_DIR = "LUMBO_DATA_DIR"

Network = IPv4Network | IPv6Network


def parse_networks(raw: str) -> tuple[Network, ...]:
    """``"10.0.0.1, 192.168.0.0/24"`` -> networks; raises ``ValueError`` naming the bad entry."""
    networks = []
    for item in raw.split(","):
        item = item.strip()
        if item:
            try:
                networks.append(ip_network(item, strict=False))
            except ValueError:
                raise ValueError(item) from None
    return tuple(networks)


VIDEO_TYPES: tuple[str, ...] = ("video/mp4", "video/quicktime", "video/webm", "video/x-m4v")


@dataclass(frozen=True, slots=True)
class MailSettings:
    """``LUMBO_SMTP_HOST`` (mail is off without it), ``LUMBO_SMTP_PORT`` (587), ``LUMBO_SMTP_FROM``,
    ``LUMBO_SMTP_USER`` / ``LUMBO_SMTP_PASSWORD`` (optional), ``LUMBO_SMTP_TLS``: ``starttls``
    (default), ``ssl`` or ``none`` (a local relay only). Used by :mod:`lumbo.services.mail`."""

    host: str
    sender: str
    port: int = 587
    user: str | None = None
    password: str | None = field(default=None, repr=False)
    tls: str = "starttls"
    timeout_s: float = 10.0


@dataclass(frozen=True, slots=True)
class PasswordHashing:
    """argon2id parameters (defaults: RFC 9106's second recommended option)."""

    time_cost: int = 3
    memory_kib: int = 65_536
    parallelism: int = 4


@dataclass(frozen=True, slots=True)
class Settings:
    data_dir: Path
    secret_key: str = field(repr=False)
    database_url: str
    cookie_secure: bool = False
    session_hours: float = 12.0
    max_upload_bytes: int = 200 * 1024 * 1024
    video_types: tuple[str, ...] = VIDEO_TYPES
    host: str = "127.0.0.1"
    port: int = 8000
    trusted_proxies: tuple[Network, ...] = ()
    # Sign-in limits (see lumbo.web.auth): failures within the window past a threshold impose a
    # delay that doubles with each further failure, up to login_backoff_max_s; never a lock.
    login_failures_per_account_ip: int = 5
    login_failures_per_account: int = 20  # known devices of the account are exempt
    login_failures_per_address: int = 30  # across accounts: password spraying from one address
    login_failures_global: int = 300  # across addresses: distributed spraying
    login_backoff_base_s: int = 30
    login_backoff_max_s: int = 300
    login_window_s: int = 15 * 60
    hashing: PasswordHashing = field(default_factory=PasswordHashing)
    hashing_slots: int = 2
    max_video_seconds: int = 120
    max_video_frames: int = 7200
    max_video_side: int = 2160
    uploads_per_hour: int = 20
    api_docs: bool = True
    access_log: bool = True  # uvicorn's line per request (the audit log is in the database)
    mail: MailSettings | None = None  # e-mail is off unless an SMTP server is configured
    remember_days: int = 30  # "remember this device" sessions of patients
    db_pool_size: int = 10  # see StoreSettings
    db_pool_overflow: int = 30
    # the task queue's section, validated when lumbo.jobs.settings.QueueSettings.of builds it
    queue_url: str | None = None  # None: huey's SQLite storage in the data directory
    queue_name: str = "lumbo"
    job_stale_s: float = 120.0
    public_url: str | None = None  # LUMBO_PUBLIC_URL; None: http://<host>:<port>
    signup: bool = False  # individuals may sign themselves up (from_env: see LUMBO_SIGNUP)

    @property
    def app_url(self) -> str:
        """The address patients open lumbo at, without a trailing slash (links in e-mails the
        worker sends, where there is no request to take it from)."""
        return (self.public_url or f"http://{self.host}:{self.port}").rstrip("/")

    def __post_init__(self) -> None:
        if len(self.secret_key) < 32:
            raise InvalidInput(
                [Problem("LUMBO_SECRET_KEY", "must be at least 32 characters", "(hidden)")],
                "settings",
            )

    @property
    def store(self) -> StoreSettings:
        """The store's section: its typed parameters, built from these settings."""
        return StoreSettings(
            self.database_url, pool_size=self.db_pool_size, pool_overflow=self.db_pool_overflow
        )

    @property
    def upload_dir(self) -> Path:
        return self.data_dir / "uploads"

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, *, signs: bool = True) -> Settings:
        """Every setting from ``environ`` (default: the process environment), read once; bad
        values raise :class:`InvalidInput` naming the variable. ``signs=False`` (a command that
        signs nothing, e.g. ``lumbo init``): without ``LUMBO_SECRET_KEY``, a throw-away key rather
        than creating ``<data dir>/secret_key``."""
        env = os.environ if environ is None else environ
        data_dir = data_dir_from_env(env)
        database_url = env.get(ENV_DATABASE_URL, "").strip() or default_database_url(data_dir)
        parse_database_url(database_url)  # a bad URL fails here, naming the variable
        secret = env.get("LUMBO_SECRET_KEY", "").strip() or (
            persisted_secret(data_dir) if signs else secrets.token_urlsafe(48)
        )
        try:
            proxies = parse_networks(env.get("LUMBO_TRUSTED_PROXIES", ""))
        except ValueError as exc:
            raise InvalidInput(
                [Problem("LUMBO_TRUSTED_PROXIES", "must list IP addresses or networks", str(exc))],
                "settings",
            ) from None
        production = _flag(env, "LUMBO_PRODUCTION")
        docs = _flag(env, "LUMBO_API_DOCS") if env.get("LUMBO_API_DOCS", "").strip() else None
        signup = (
            _flag(env, "LUMBO_SIGNUP")
            if env.get("LUMBO_SIGNUP", "").strip()
            else database_url.startswith("sqlite")
        )
        return cls(
            data_dir=data_dir,
            secret_key=secret,
            database_url=database_url,
            cookie_secure=_flag(env, "LUMBO_COOKIE_SECURE"),
            max_upload_bytes=_int(env, "LUMBO_MAX_UPLOAD_MB", 200, 1, 10_000) * 1024 * 1024,
            host=env.get("LUMBO_HOST", "").strip() or "127.0.0.1",
            port=_int(env, "LUMBO_PORT", 8000, 1, 65_535),
            trusted_proxies=proxies,
            hashing_slots=_int(env, "LUMBO_HASHING_SLOTS", 2, 1, 64),
            max_video_seconds=_int(env, "LUMBO_MAX_VIDEO_SECONDS", 120, 1, 3600),
            max_video_frames=_int(env, "LUMBO_MAX_VIDEO_FRAMES", 7200, 1, 1_000_000),
            max_video_side=_int(env, "LUMBO_MAX_VIDEO_SIDE", 2160, 16, 16_384),
            uploads_per_hour=_int(env, "LUMBO_UPLOADS_PER_HOUR", 20, 1, 10_000),
            api_docs=(not production) if docs is None else docs,
            access_log=_flag(env, "LUMBO_ACCESS_LOG")
            if env.get("LUMBO_ACCESS_LOG", "").strip()
            else True,
            mail=_mail(env),
            db_pool_size=_int(env, "LUMBO_DB_POOL_SIZE", 10, 0, 1000),
            db_pool_overflow=_int(env, "LUMBO_DB_POOL_OVERFLOW", 30, 0, 1000),
            queue_url=env.get("LUMBO_QUEUE_URL", "").strip() or None,
            queue_name=env.get("LUMBO_QUEUE_NAME", "").strip() or "lumbo",
            job_stale_s=_seconds(env, "LUMBO_JOB_STALE_S", 120.0),
            public_url=_public_url(env),
            signup=signup,
        )


def data_dir_from_env(environ: Mapping[str, str]) -> Path:
    """``LUMBO_DATA_DIR``, or the user's data directory: the one rule for where lumbo keeps data."""
    return Path(environ.get(ENV_DATA_DIR, "").strip() or user_data_dir("lumbo", appauthor=False))


def default_database_url(data_dir: Path) -> str:
    """``sqlite:///<data dir>/lumbo.db`` (the directory is created when the engine is)."""
    return f"sqlite:///{data_dir / 'lumbo.db'}"


def _seconds(env: Mapping[str, str], name: str, default: float) -> float:
    raw = env.get(name, "").strip()
    try:
        return float(raw) if raw else default
    except ValueError:
        raise InvalidInput(
            [Problem(name, "must be a number of seconds", raw)], "settings"
        ) from None


def _public_url(env: Mapping[str, str]) -> str | None:
    raw = env.get("LUMBO_PUBLIC_URL", "").strip()
    if not raw:
        return None
    if not re.match(r"^https?://[^\s/?#]+(/[^\s?#]*)?$", raw):
        raise InvalidInput(
            [Problem("LUMBO_PUBLIC_URL", "must be an http:// or https:// address", raw)],
            "settings",
        )
    return raw.rstrip("/")


def _mail(env: Mapping[str, str]) -> MailSettings | None:
    host = env.get("LUMBO_SMTP_HOST", "").strip()
    if not host:
        return None
    sender = env.get("LUMBO_SMTP_FROM", "").strip()
    if "@" not in sender:
        raise InvalidInput(
            [Problem("LUMBO_SMTP_FROM", "must be the sender's e-mail address", sender)], "settings"
        )
    tls = env.get("LUMBO_SMTP_TLS", "").strip().lower() or "starttls"
    if tls not in ("starttls", "ssl", "none"):
        raise InvalidInput(
            [Problem("LUMBO_SMTP_TLS", "must be starttls, ssl or none", tls)], "settings"
        )
    return MailSettings(
        host=host,
        sender=sender,
        port=_int(env, "LUMBO_SMTP_PORT", 587, 1, 65_535),
        user=env.get("LUMBO_SMTP_USER", "").strip() or None,
        password=env.get("LUMBO_SMTP_PASSWORD", "") or None,
        tls=tls,
    )


def persisted_secret(data_dir: Path) -> str:
    """The data dir's secret key, generated (256 random bits, file mode 0600) on first use."""
    path = data_dir / "secret_key"
    if not path.exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another process won the race: use its key
            pass
        else:
            with os.fdopen(fd, "w", encoding="ascii") as out:
                out.write(secrets.token_urlsafe(48))
    return path.read_text(encoding="ascii").strip()


def _flag(env: Mapping[str, str], name: str) -> bool:
    raw = env.get(name, "").strip().lower()
    if raw in ("", "0", "false", "no"):
        return False
    if raw in ("1", "true", "yes"):
        return True
    raise InvalidInput([Problem(name, "must be 1/true/yes or 0/false/no", raw)], "settings")


def _int(env: Mapping[str, str], name: str, default: int, low: int, high: int) -> int:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        value = low - 1
    if not low <= value <= high:
        raise InvalidInput([Problem(name, f"must be an integer {low}-{high}", raw)], "settings")
    return value

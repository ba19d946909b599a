"""Configuration classes, read from the environment.

`create_app` picks one of these by name (``DIASPORA_ENV`` or the ``config`` argument) and then
applies ``DIASPORA_*`` prefixed environment variables on top, so every setting can be changed
without editing code.
"""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = Path(os.environ.get("DIASPORA_INSTANCE_PATH", BASE_DIR / "instance"))

# Secret keys shorter than this, or equal to a well-known placeholder, are refused in production.
MIN_SECRET_KEY_LENGTH = 32
WEAK_SECRET_KEYS = frozenset({"dev", "secret", "changeme", "change-me", "development", "test"})


def default_sqlite_url() -> str:
    return f"sqlite:///{INSTANCE_DIR / 'diaspora.sqlite'}"


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value not in (None, "") else default


class Config:
    """Settings shared by every environment."""

    SECRET_KEY: str | None = os.environ.get("SECRET_KEY")
    SQLALCHEMY_DATABASE_URI: str = os.environ.get("DATABASE_URL") or default_sqlite_url()
    # hide_parameters: SQL errors and logs never show the bound values (personal data).
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True, "hide_parameters": True}
    SQLITE_BUSY_TIMEOUT_MS: int = _env_int("SQLITE_BUSY_TIMEOUT_MS", 15000)

    # Languages: Vietnamese is the default, English is complete too.
    LANGUAGES: tuple[str, ...] = ("vi", "en")
    BABEL_DEFAULT_LOCALE: str = "vi"
    BABEL_DEFAULT_TIMEZONE: str = "Asia/Ho_Chi_Minh"
    BABEL_TRANSLATION_DIRECTORIES: str = str(BASE_DIR / "translations")

    # Rate limits and login throttling share one storage: memory:// here, redis:// in production.
    RATELIMIT_STORAGE_URI: str = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_HEADERS_ENABLED: bool = True
    API_RATE_LIMIT: str = os.environ.get("API_RATE_LIMIT", "300 per minute")
    LOGIN_FAILURES_PER_ACCOUNT: str = os.environ.get(
        "LOGIN_FAILURES_PER_ACCOUNT", "5 per 15 minutes"
    )
    LOGIN_FAILURES_PER_ADDRESS: str = os.environ.get(
        "LOGIN_FAILURES_PER_ADDRESS", "20 per 15 minutes"
    )

    # Failed second-factor codes allowed per account (per address: LOGIN_FAILURES_PER_ADDRESS).
    TWO_FACTOR_FAILURES_PER_ACCOUNT: str = os.environ.get(
        "TWO_FACTOR_FAILURES_PER_ACCOUNT", "5 per 15 minutes"
    )
    # Roles that must use a second factor, comma-separated, e.g. "admin,officer". Empty: optional.
    TWO_FACTOR_REQUIRED_ROLES: str = os.environ.get("TWO_FACTOR_REQUIRED_ROLES", "")
    # How long the password step stays valid while the second factor is asked for.
    TWO_FACTOR_PENDING_SECONDS: int = _env_int("TWO_FACTOR_PENDING_SECONDS", 300)

    # Sessions and cookies.
    SESSION_COOKIE_HTTPONLY: bool = True
    SESSION_COOKIE_SAMESITE: str = "Lax"
    SESSION_COOKIE_SECURE: bool = _env_bool("SESSION_COOKIE_SECURE", False)
    SESSION_COOKIE_NAME: str = os.environ.get("SESSION_COOKIE_NAME", "diaspora_session")
    # Absolute lifetime of a session, counted from sign-in and checked on the server.
    PERMANENT_SESSION_LIFETIME: timedelta = timedelta(hours=_env_int("SESSION_LIFETIME_HOURS", 12))
    # A session unused for this long ends (checked on the server too).
    SESSION_IDLE_TIMEOUT: timedelta = timedelta(minutes=_env_int("SESSION_IDLE_MINUTES", 30))
    REMEMBER_COOKIE_HTTPONLY: bool = True

    # The yearly implementation report covers the twelve months starting on this day (MM-DD)
    # of the previous year, so by default 16 November to 15 November: it is due to the
    # Department of Culture and Sports before 15 November. "01-01" gives calendar years.
    REPORT_PERIOD_START: str = os.environ.get("REPORT_PERIOD_START", "11-16")

    # Largest request body; beyond it the "too large" (413) page. Unset (0): the largest
    # import file plus UPLOAD_OVERHEAD_BYTES, so that a file just over the import limit still
    # gets the import page's own message (see ``resolve_upload_limit``).
    MAX_CONTENT_LENGTH: int | None = _env_int("MAX_CONTENT_LENGTH", 0) or None
    # Room for the multipart envelope and the upload form's other fields around the file.
    UPLOAD_OVERHEAD_BYTES: int = _env_int("UPLOAD_OVERHEAD_BYTES", 1024 * 1024)

    # Public self-registration and profile-update links (no account needed).
    # Submissions allowed per client address (keyed hash), e.g. "10 per minute;60 per hour".
    SELF_REGISTRATION_RATE_LIMIT: str = os.environ.get(
        "SELF_REGISTRATION_RATE_LIMIT", "10 per minute;60 per hour"
    )
    # Largest body the public forms accept, in bytes (they take no files).
    PUBLIC_FORM_MAX_BYTES: int = _env_int("PUBLIC_FORM_MAX_BYTES", 64 * 1024)
    # Days a profile-update link stays valid.
    UPDATE_LINK_DAYS: int = _env_int("UPDATE_LINK_DAYS", 30)
    # Address of the public site in update links, e.g. https://kieubao.haiphong.gov.vn; empty:
    # the address the officer is using.
    PUBLIC_BASE_URL: str = os.environ.get("PUBLIC_BASE_URL", "")
    # Reverse proxies in front of the app whose X-Forwarded-For/-Proto are trusted (nginx: 1).
    # Rate limits per client address need it: behind a proxy every request comes from the proxy.
    TRUSTED_PROXIES: int = _env_int("TRUSTED_PROXIES", 0)
    # Requests from data subjects (docs/privacy.md). Public holidays not counted as working days
    # for the 2-working-day reply: ISO dates, comma-separated, e.g. "2027-01-01,2027-02-05".
    # Empty: only Saturdays and Sundays are skipped.
    PRIVACY_HOLIDAYS: str = os.environ.get("PRIVACY_HOLIDAYS", "")
    # Days to answer a request for correction, restriction or objection, and the one extension
    # (a department setting: the law's figures are for access and deletion).
    PRIVACY_REQUEST_OTHER_DAYS: int = _env_int("PRIVACY_REQUEST_OTHER_DAYS", 10)
    PRIVACY_REQUEST_OTHER_EXTENSION_DAYS: int = _env_int("PRIVACY_REQUEST_OTHER_EXTENSION_DAYS", 10)
    # Retention review: contacts not verified for this many years are listed for re-confirmation.
    RETENTION_REVIEW_YEARS: int = _env_int("RETENTION_REVIEW_YEARS", 3)
    # Rejected public submissions are purged after this many days (`privacy purge-submissions`).
    REJECTED_SUBMISSION_DAYS: int = _env_int("REJECTED_SUBMISSION_DAYS", 90)
    PER_PAGE: int = 50
    # Spreadsheet import and export (diaspora/transfer).
    IMPORT_MAX_BYTES: int = _env_int("IMPORT_MAX_BYTES", 10 * 1024 * 1024)
    IMPORT_MAX_ROWS: int = _env_int("IMPORT_MAX_ROWS", 100_000)
    IMPORT_MAX_COLUMNS: int = _env_int("IMPORT_MAX_COLUMNS", 200)
    IMPORT_SECONDS_PER_REQUEST: float = float(_env_int("IMPORT_SECONDS_PER_REQUEST", 8))
    IMPORT_WEB_COMMIT_MAX_ROWS: int = _env_int("IMPORT_WEB_COMMIT_MAX_ROWS", 3000)
    EXPORT_PDF_MAX_ROWS: int = _env_int("EXPORT_PDF_MAX_ROWS", 2000)
    WTF_CSRF_TIME_LIMIT: int | None = None  # token bound to the session, not to a clock
    DEBUG: bool = False
    TESTING: bool = False


class DevelopmentConfig(Config):
    """Local development: the secret key is generated once and kept under ``instance/``."""

    DEBUG = _env_bool("FLASK_DEBUG", True)

    @staticmethod
    def ensure_secret_key() -> str:
        key_file = INSTANCE_DIR / "secret_key"
        if key_file.exists():
            return key_file.read_text().strip()
        INSTANCE_DIR.mkdir(parents=True, exist_ok=True)
        key = secrets.token_urlsafe(48)
        key_file.write_text(key)
        key_file.chmod(0o600)
        return key


class TestingConfig(Config):
    TESTING = True
    # A fixed key for the test suite only; production refuses to start without its own.
    SECRET_KEY = "testing-secret-key-not-for-production-use-0123456789"  # noqa: S105  # nosec B105
    WTF_CSRF_ENABLED = False
    RATELIMIT_STORAGE_URI = "memory://"
    SQLALCHEMY_DATABASE_URI = "sqlite://"


class ProductionConfig(Config):
    """Production refuses insecure settings: see ``check_production_settings``."""

    SESSION_COOKIE_SECURE = True
    SESSION_COOKIE_NAME = "__Host-diaspora_session"
    REMEMBER_COOKIE_SECURE = True
    PREFERRED_URL_SCHEME = "https"


CONFIGS: dict[str, type[Config]] = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}


KNOWN_ROLES = ("admin", "officer", "viewer")


def two_factor_required_roles(settings) -> frozenset[str]:
    raw = settings.get("TWO_FACTOR_REQUIRED_ROLES") or ""
    if isinstance(raw, list | tuple | set | frozenset):
        return frozenset(str(role).strip().lower() for role in raw if str(role).strip())
    return frozenset(part.strip().lower() for part in str(raw).split(",") if part.strip())


def resolve_upload_limit(settings) -> None:
    """MAX_CONTENT_LENGTH, when not set, from the import limit plus the form's overhead.

    Equal limits turned a file just under IMPORT_MAX_BYTES into a bare 413: the multipart
    body around it is a little larger than the file.
    """
    if not settings.get("MAX_CONTENT_LENGTH"):
        settings["MAX_CONTENT_LENGTH"] = int(settings["IMPORT_MAX_BYTES"]) + int(
            settings["UPLOAD_OVERHEAD_BYTES"]
        )


def check_two_factor_roles(settings) -> None:
    unknown = sorted(two_factor_required_roles(settings) - set(KNOWN_ROLES))
    if unknown:
        raise RuntimeError(
            f"TWO_FACTOR_REQUIRED_ROLES names unknown roles {', '.join(unknown)}; "
            f"use a comma-separated list of {', '.join(KNOWN_ROLES)}"
        )


class InsecureConfigurationError(RuntimeError):
    """Production was asked to start with a setting that would expose the registry."""


def check_production_settings(settings: dict) -> None:
    """Refuse to start with a missing or weak key, DEBUG on, or cookies that leak."""
    problems: list[str] = []
    key = settings.get("SECRET_KEY") or ""
    if not key:
        problems.append("SECRET_KEY is missing: set it to a random value of 32+ characters")
    elif len(key) < MIN_SECRET_KEY_LENGTH or key.lower() in WEAK_SECRET_KEYS:
        problems.append(
            f"SECRET_KEY is weak: use at least {MIN_SECRET_KEY_LENGTH} random characters"
        )
    if settings.get("DEBUG"):
        problems.append("DEBUG is on: unset FLASK_DEBUG / DIASPORA_DEBUG in production")
    if not settings.get("SESSION_COOKIE_SECURE"):
        problems.append("SESSION_COOKIE_SECURE is off: session cookies must only travel over HTTPS")
    if not settings.get("SESSION_COOKIE_HTTPONLY"):
        problems.append("SESSION_COOKIE_HTTPONLY is off: scripts must not read the session cookie")
    if str(settings.get("SESSION_COOKIE_SAMESITE")) not in {"Lax", "Strict"}:
        problems.append("SESSION_COOKIE_SAMESITE must be Lax or Strict")
    if problems:
        raise InsecureConfigurationError("Refusing to start in production: " + "; ".join(problems))

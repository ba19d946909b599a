"""Hải Phòng diaspora registry: ``create_app`` is the only thing the package exports."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from flask import Flask
from werkzeug.exceptions import NotFound
from werkzeug.routing import IntegerConverter

from config import (
    CONFIGS,
    INSTANCE_DIR,
    DevelopmentConfig,
    check_production_settings,
    check_two_factor_roles,
    resolve_upload_limit,
)
from diaspora.database import check_database_url, configure_sqlite

ROOT = Path(__file__).resolve().parent.parent

__all__ = ["create_app"]


def create_app(config: str | None = None, overrides: dict[str, Any] | None = None) -> Flask:
    """Build the application: ``config`` names an environment, ``overrides`` wins over all."""
    name = config or os.environ.get("DIASPORA_ENV") or "development"
    if name not in CONFIGS:
        raise RuntimeError(f"Unknown DIASPORA_ENV '{name}'; use one of {', '.join(CONFIGS)}")
    app = Flask(
        __name__,
        instance_path=str(INSTANCE_DIR),
        template_folder=str(ROOT / "templates"),
    )
    app.config.from_object(CONFIGS[name])
    app.config.from_prefixed_env("DIASPORA")
    if overrides:
        app.config.update(overrides)
    if name == "development" and not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = DevelopmentConfig.ensure_secret_key()
    if name == "production":
        check_production_settings(app.config)
    check_database_url(app.config["SQLALCHEMY_DATABASE_URI"])
    check_two_factor_roles(app.config)
    resolve_upload_limit(app.config)
    _check_report_period(app.config["REPORT_PERIOD_START"])
    _check_privacy_settings(app.config)
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///"):
        Path(INSTANCE_DIR).mkdir(parents=True, exist_ok=True)
    configure_sqlite(app.config["SQLITE_BUSY_TIMEOUT_MS"])
    _trust_proxies(app)

    _init_extensions(app)
    _register_blueprints(app)
    _register_commands(app)
    return app


def _check_report_period(setting: str) -> None:
    """A mistyped REPORT_PERIOD_START stops the app at once, naming the setting."""
    from diaspora.reports.period import parse_start

    parse_start(setting)


def _check_privacy_settings(settings) -> None:
    """A mistyped holiday list or request period stops the app at once, naming the setting."""
    from diaspora.privacy.deadlines import check_settings

    check_settings(settings)


def _trust_proxies(app: Flask) -> None:
    """Behind ``TRUSTED_PROXIES`` reverse proxies, take the client address from X-Forwarded-For."""
    count = int(app.config.get("TRUSTED_PROXIES") or 0)
    if count > 0:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count)  # type: ignore[method-assign]


def _init_extensions(app: Flask) -> None:
    from diaspora.auth.loaders import user_from_session, user_from_token
    from diaspora.auth.permissions import can, enforce
    from diaspora.auth.sessions import check_session, require_two_factor_enrolment
    from diaspora.auth.throttle import install_throttles
    from diaspora.core.errors import register_error_handlers
    from diaspora.extensions import babel, csrf, db, limiter, login_manager, migrate
    from diaspora.i18n import register_template_helpers, select_locale
    from diaspora.logs import install_log_redaction
    from diaspora.search.index import register as register_search_index
    from diaspora.security import register_security_headers

    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    limiter.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.session_protection = "basic"
    login_manager.user_loader(user_from_session)
    login_manager.request_loader(user_from_token)
    install_throttles(app)
    app.before_request(check_session)  # first: an expired session must not pass as signed in
    app.before_request(enforce)
    app.before_request(require_two_factor_enrolment)  # after: only for signed-in users
    app.add_template_global(can)
    register_template_helpers(app)
    register_error_handlers(app)
    register_security_headers(app)
    install_log_redaction(app)
    register_search_index()


class RecordIdConverter(IntegerConverter):
    """``<int:…>`` in every route: ids beyond a database INTEGER are simply not found (404)."""

    largest = 2**31 - 1

    def to_python(self, value: str) -> int:
        number = super().to_python(value)
        if number > self.largest:
            raise NotFound()
        return number


def _register_blueprints(app: Flask) -> None:
    app.url_map.converters["int"] = RecordIdConverter
    from diaspora.api import contacts as _api_contacts  # noqa: F401  (routes on the api blueprint)
    from diaspora.api import contacts_schema as _api_contacts_schema  # noqa: F401  (its paths)
    from diaspora.api.token_views import bp as tokens_bp
    from diaspora.api.views import bp as api_bp
    from diaspora.audit.views import bp as audit_bp
    from diaspora.auth.views import bp as auth_bp
    from diaspora.contacts.consent_views import bp as consents_bp
    from diaspora.contacts.organization_views import bp as organizations_bp
    from diaspora.contacts.trash_views import bp as trash_bp
    from diaspora.contacts.views import bp as contacts_bp
    from diaspora.core.views import bp as core_bp
    from diaspora.dashboard.views import bp as dashboard_bp
    from diaspora.delegations.views import bp as delegations_bp
    from diaspora.engagements import api as _engagements_api  # noqa: F401 (routes on the api bp)
    from diaspora.engagements.views import bp as engagements_bp
    from diaspora.outreach import recipient_views as _outreach_recipients  # noqa: F401 (routes on the outreach bp)
    from diaspora.outreach.views import bp as outreach_bp
    from diaspora.plan.views import bp as plan_bp
    from diaspora.privacy.person_views import bp as person_data_bp
    from diaspora.privacy.request_views import bp as privacy_requests_bp
    from diaspora.privacy.retention_views import bp as retention_bp
    from diaspora.privacy.views import bp as privacy_bp
    from diaspora.public.link_views import bp as update_links_bp
    from diaspora.public.review_views import bp as review_bp
    from diaspora.public.views import bp as public_bp
    from diaspora.reference.category_views import bp as categories_bp
    from diaspora.reference.views import bp as reference_bp
    from diaspora.reports.views import bp as reports_bp
    from diaspora.search.views import bp as search_bp
    from diaspora.transfer import import_views as _transfer_imports  # noqa: F401 (routes on the transfer bp)
    from diaspora.transfer.views import bp as transfer_bp
    from diaspora.users.views import bp as users_bp

    for blueprint in (
        core_bp,
        auth_bp,
        users_bp,
        audit_bp,
        plan_bp,
        reference_bp,
        privacy_bp,
        api_bp,
        tokens_bp,
        search_bp,
    ):
        app.register_blueprint(blueprint)
    for blueprint in (
        contacts_bp,
        consents_bp,
        trash_bp,
        organizations_bp,
        categories_bp,
        transfer_bp,
    ):
        app.register_blueprint(blueprint)
    for blueprint in (
        engagements_bp,
        reports_bp,
        dashboard_bp,
        public_bp,
        review_bp,
        update_links_bp,
        outreach_bp,
        delegations_bp,
        privacy_requests_bp,
        retention_bp,
        person_data_bp,
    ):
        app.register_blueprint(blueprint)


def _register_commands(app: Flask) -> None:
    from diaspora.cli import register_commands

    register_commands(app)

"""The public, bilingual privacy notice."""

from __future__ import annotations

from flask import Blueprint, render_template

from diaspora.auth.permissions import public
from diaspora.privacy import notice

bp = Blueprint("privacy", __name__)


@bp.route("/privacy")
@public
def privacy_notice():
    return render_template("privacy/notice.html", **notice.context())

"""The error pages, for plain and htmx requests alike (DESIGN §4). The domain errors
they answer live in the core (`capintra.errors`)."""

from __future__ import annotations

from flask import Flask, g, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException

from capintra.auth.sessions import keep_session_as_is
from capintra.errors import DomainError, StaleVersion
from capintra.extensions import db

ERROR_TITLES = {
    400: _("Requête invalide"),
    403: _("Accès refusé"),
    404: _("Page introuvable"),
    405: _("Méthode non autorisée"),
    409: _("Action refusée"),
    413: _("Fichier trop volumineux"),
    422: _("Formulaire invalide"),
    500: _("Erreur interne"),
}


def _messages() -> dict[int, str]:
    return {
        400: _("La requête n’a pas pu être traitée. Rechargez la page puis réessayez."),
        403: _("Votre rôle ne permet pas cette action. Adressez-vous à votre responsable."),
        404: _("Cette page n’existe pas ou n’est pas accessible."),
        405: _("Cette action n’est pas possible de cette façon."),
        413: _("Le fichier dépasse la taille maximale de 10 Mo. Réduisez-le puis réessayez."),
        422: _("Le formulaire est incomplet ou invalide. Rechargez la page puis réessayez."),
        500: _(
            "Une erreur inattendue s’est produite. Rien n’a été enregistré ; réessayez, "
            "puis signalez-le si cela recommence."
        ),
    }


def error_response(status: int, message: str | None = None, **ctx):
    """The error page (or its htmx box). It leaves the visitor's session as it was: a
    link to a missing file must not sign anyone out nor start a session."""
    db.session.rollback()
    keep_session_as_is()
    g.capintra_error_page = True
    generic = 400 if status < 500 else 500
    title = str(ERROR_TITLES.get(status, ERROR_TITLES[generic]))
    message = message or _messages().get(status, _messages()[generic])
    template = "web/_error.html" if request.headers.get("HX-Request") else "web/error.html"
    return render_template(template, status=status, title=title, message=message, **ctx), status


def is_error_page() -> bool:
    """True while this request answers with an error page: what the page shows around the
    message (the header's notification count) reads nothing more from the database."""
    return bool(g.get("capintra_error_page"))


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error):
        return error_response(
            400, _("Le formulaire a expiré ou n’est pas valide. Rechargez la page puis réessayez.")
        )

    @app.errorhandler(DomainError)
    def domain_error(error: DomainError):
        return error_response(409, error.message, obj=error.obj)

    @app.errorhandler(StaleDataError)
    def concurrent_save(error: StaleDataError):
        # PostgreSQL: two saves read the same version; the second one's UPDATE, run once
        # the first committed, finds no row of that version. Same answer as a stale form.
        return error_response(409, StaleVersion(None).message)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        status = error.code or 500
        if status in (401,):
            return error
        body, status = error_response(status)
        # Keep what the exception says about itself (Allow on a 405, Retry-After…).
        headers = [(k, v) for k, v in error.get_headers() if k.lower() != "content-type"]
        return body, status, headers

    @app.errorhandler(Exception)
    def unexpected(error: Exception):
        app.logger.exception("unhandled error on %s %s", request.method, request.path)
        return error_response(500)

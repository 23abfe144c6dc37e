"""Flask extensions, created unbound and initialised in create_app()."""

from flask_babel import Babel
from flask_htmx import HTMX
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect

from capintra.models import Base

db = SQLAlchemy(model_class=Base)
migrate = Migrate()


class ServerSessionLoginManager(LoginManager):
    """Flask-Login without remember-me: a user is signed in by a server-side session only.

    Flask-Login would otherwise accept a `remember_token` cookie (the user id signed with
    the secret key, valid forever, surviving logout and password changes).
    """

    def _load_user_from_remember_cookie(self, cookie):
        return None

    def _load_user_from_header(self, header):
        return None


login_manager = ServerSessionLoginManager()
csrf = CSRFProtect()
htmx = HTMX()
babel = Babel()

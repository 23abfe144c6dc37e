"""Accounts, signing in and out, sessions."""

from capintra.auth import demo, names
from capintra.auth.classification import ACTIONS, AUDITED
from capintra.auth.models import User, WebSession
from capintra.auth.views import bp
from capintra.features import Feature

FEATURE = Feature(
    name="auth",
    blueprints=((bp, None),),
    models=(User, WebSession),
    audited=AUDITED,
    not_audited=(WebSession,),  # the session store
    actions=ACTIONS,
    record_names={"user_account": names.USER_NAMER},
    demo=demo.load,
)

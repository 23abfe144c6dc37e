"""The organisations directory: reference data for buildings (owner or syndic),
households (partners), later orders (providers) and offers (landlords); admins keep it,
assistants and officers add where they need one."""

from capintra.features import Feature
from capintra.organisations import demo
from capintra.organisations.classification import ACTIONS, AUDITED
from capintra.organisations.models import Organisation
from capintra.organisations.views import bp

FEATURE = Feature(
    name="organisations",
    blueprints=((bp, ""),),
    models=(Organisation,),
    audited=AUDITED,
    actions=ACTIONS,
    demo=demo.load,
    route_params={"org_id": demo.example_organisation_id},
)

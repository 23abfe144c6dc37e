"""Retention from closure and anonymisation (DESIGN §5, issue 12 item 4): the disposal
lists an admin approves, and `flask anonymise-closed`."""

from capintra.features import Feature
from capintra.retention import demo
from capintra.retention.classification import ACTIONS, AUDITED
from capintra.retention.cli import install_command
from capintra.retention.models import DisposalLine, DisposalList
from capintra.retention.views import bp

FEATURE = Feature(
    name="retention",
    blueprints=((bp, "/admin/disposals"),),
    models=(DisposalList, DisposalLine),
    setup=(install_command,),
    audited=AUDITED,
    actions=ACTIONS,
    demo=demo.load,
    route_params={"list_id": demo.example_disposal_list_id},
)

"""Backups: the `backup` and `restore` commands; no model, no page."""

from capintra.backup.commands import install_commands
from capintra.features import Feature
from capintra.text import lazy_gettext as _l

FEATURE = Feature(
    name="backup",
    setup=(install_commands,),
    # A backup reads every file: the trail says when one was taken (DESIGN §1, access
    # traced). Recorded after the archive is written, so it is in the next one.
    actions={"backup_created": _l("Sauvegarde complète effectuée")},
)

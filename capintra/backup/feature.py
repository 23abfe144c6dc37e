"""Backups: the `backup` and `restore` commands; no model, no page."""

from capintra.backup.commands import install_commands
from capintra.features import Feature

FEATURE = Feature(name="backup", setup=(install_commands,))

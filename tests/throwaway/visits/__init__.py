"""A throw-away feature folder: home visits. It exists to show that a feature plugs in
from its own folder (tests/throwaway/test_throwaway_feature.py): a model with a
confidential item, a tab on the household file, a dashboard section, a page of its own.
Nothing outside this folder names it."""

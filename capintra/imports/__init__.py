"""Spreadsheet import: buildings, units and occupants from the sheets staff keep."""

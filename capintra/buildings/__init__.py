"""Buildings and occupancy."""

"""The organisations directory: reference data that buildings, households and, later,
orders and offers point to (DESIGN §2)."""

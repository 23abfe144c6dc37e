"""Provider orders: framework contracts, lots, amendments, price schedules, signing
delegations (DESIGN §2 « Orders »). This part holds the reference data and the money
rules; the order form and its lifecycle build on them."""

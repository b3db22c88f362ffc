"""Services: the multi-step flows views and commands call (a transaction with object-store steps around it)."""

"""The contact registry: overseas compatriots, their details, duplicates, merges and trash."""

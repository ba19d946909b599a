"""Delegation visits abroad: the people to meet, the delegation pack, the meetings held."""

"""Engagement history: what happened with which contacts, and which plan tasks it served."""

"""Bilingual outreach: letters and messages to compatriots, approved, personalised, sent."""

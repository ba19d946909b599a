"""Public self-registration, the officers' review queue, and personal profile-update links."""

"""Delivery tracking: Justsend's postbacks stored as received, applied in batches to the
recipient rows; incoming messages (replies) and STOP opt-outs."""

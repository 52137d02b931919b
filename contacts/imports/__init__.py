"""CSV imports into a group: detection, column mapping, batched idempotent runs."""

"""SMS Manager (JSON API v2, https://api.smsmngr.com/v2): client, backend, webhook parsing."""

"""JustCall (SMS API v2, https://api.justcall.io/v2): client, backend, webhook parsing."""

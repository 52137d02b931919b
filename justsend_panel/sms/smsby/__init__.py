"""SMS.by (``…/api/v1``; the manual gives no host): client, wire shapes, status map, option rules, backend."""

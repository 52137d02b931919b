"""SMS.by (https://app.sms.by/api/v1): client, wire shapes, status map, option rules, backend."""

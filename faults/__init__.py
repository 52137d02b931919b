"""The fault suite (`make faults`, `python -m faults`): the panel's real processes on
PostgreSQL + Redis against the sandbox, under injected faults and killed workers; one
table row per case and a non-zero exit when anything was duplicated, lost, answered 500
or recovered too slowly."""

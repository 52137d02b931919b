import contacts.imports.admin  # noqa: F401  (imports register their own admin pages)

"""Admin registrations of imports; imported by contacts/admin.py."""

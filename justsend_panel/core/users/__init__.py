"""The people of the panel: the Users pages for administrators and their services."""

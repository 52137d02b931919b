"""Paging helpers for pages that show one page of a list Justsend pages itself."""


def page_number(request) -> int:
    """The ``page`` query parameter, 1-based; anything not a positive number is page 1."""
    try:
        return max(int(request.GET.get("page", 1)), 1)
    except ValueError:
        return 1

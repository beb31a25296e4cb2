import html


def text(response) -> str:
    """The page as the user reads it: HTML entities (&#x27; for ') decoded."""
    return html.unescape(response.content.decode())

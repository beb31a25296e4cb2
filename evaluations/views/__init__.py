"""Views of the evaluations app, split by sub-domain like the services."""

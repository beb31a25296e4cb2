"""Demo data of this app, called by `manage.py seed_demo` (see candidates.demo.DemoContext)."""


def seed(*, ctx) -> None:
    return None

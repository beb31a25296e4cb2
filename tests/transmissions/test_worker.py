"""With a real Celery worker: closing the jury queues the pack's build, which asks for the
minutes and the notice; their renders, once ready, queue the build again, which then stores the
ZIP. Nothing but the closing is done by hand."""

import pytest

from transmissions.models import TransmissionPack

from ..celery_support import wait_for
from .conftest import close

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]


def test_closing_the_jury_builds_the_pack_in_the_worker(live_worker, deliberating, jury_president):
    pack = close(deliberating.session, jury_president)

    wait_for(lambda: TransmissionPack.objects.get(pk=pack.pk).status == "ready", timeout=120)

    pack.refresh_from_db()
    assert (pack.version, pack.outdated, pack.build_error) == (1, False, "")
    assert pack.archive.open("rb").read(2) == b"PK"

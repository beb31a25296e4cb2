"""The embedded broker (kombu's filesystem transport) never hands a worker half a message."""

from queue import Empty

import pytest
from kombu import Connection

from cqpm.core import broker


@pytest.fixture
def channel(tmp_path):
    folder = tmp_path / "queue"
    folder.mkdir()
    options = {
        "data_folder_in": str(folder),
        "data_folder_out": str(folder),
        "processed_folder": str(tmp_path),
        "store_processed": False,
    }
    with Connection("filesystem://", transport_options=options) as connection:
        yield connection.default_channel, folder


def test_filesystem_urls_use_the_atomic_transport(channel):
    assert isinstance(channel[0], broker.Channel)


def test_a_message_being_written_is_not_read_and_a_written_one_is(channel):
    channel, folder = channel
    (folder / "1_partial.celery.msg.part").write_bytes(b'{"body": "unfinis')
    with pytest.raises(Empty):
        channel._get("celery")
    channel._put("celery", {"body": "entier"})
    assert channel._get("celery") == {"body": "entier"}
    assert sorted(p.name for p in folder.iterdir()) == ["1_partial.celery.msg.part"]

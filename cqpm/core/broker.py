"""kombu's filesystem transport, with messages that appear whole.

The stock transport opens the message file under its final name, then writes it: a worker that
lists the folder in between takes an empty or half-written file and dies on it ("Unrecoverable
error: JSONDecodeError", seen here about once in six batches). Here a message is written under a
name the readers skip, then renamed into place, which is atomic on one filesystem.
"""

import os
import uuid
from time import monotonic
from typing import Any

from kombu.exceptions import ChannelError
from kombu.transport import TRANSPORT_ALIASES, filesystem
from kombu.utils.encoding import str_to_bytes
from kombu.utils.json import dumps


class Channel(filesystem.Channel):
    def _put(self, queue: str, payload: Any, **kwargs: Any) -> None:  # type: ignore[override]  # kombu's
        name = f"{int(round(monotonic() * 1000))}_{uuid.uuid4()}.{queue}.msg"
        final = os.path.join(self.data_folder_out, name)
        partial = f"{final}.part"  # "<ts>_<uuid>.<queue>.msg.part": no reader's queue suffix
        try:
            with open(partial, "wb") as handle:
                handle.write(str_to_bytes(dumps(payload)))
            os.replace(partial, final)
        except OSError as exc:
            raise ChannelError(f"Cannot add file {final!r} to directory") from exc


class Transport(filesystem.Transport):
    Channel = Channel


def install() -> None:
    """Make `filesystem://` URLs use this transport, in every process that imports Celery."""
    TRANSPORT_ALIASES["filesystem"] = "cqpm.core.broker:Transport"

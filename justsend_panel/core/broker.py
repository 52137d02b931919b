"""kombu's filesystem transport with atomic message files.

Stock kombu writes a message file in place; a worker polling the folder can move and read
it before the write is done and dies on the empty or half-written JSON
("JSONDecodeError: Expecting value"), which stops the whole panel under ``make run``. Here
the message is written under a name the reader never takes, then renamed into place: a
rename is atomic, so a reader sees either no file or the whole message.
"""

import os
import uuid
from time import monotonic

from kombu.exceptions import ChannelError
from kombu.transport import TRANSPORT_ALIASES, filesystem
from kombu.utils.encoding import str_to_bytes
from kombu.utils.json import dumps


class Channel(filesystem.Channel):
    def _put(self, queue, payload, **kwargs):
        name = f"{int(round(monotonic() * 1000))}_{uuid.uuid4()}.{queue}.msg"
        final = os.path.join(self.data_folder_out, name)
        # A leading dot: `_get` compares what follows the first dot with "<queue>.msg",
        # so the half-written file never matches.
        partial = os.path.join(self.data_folder_out, f".{name}.part")
        try:
            with open(partial, "wb") as handle:
                handle.write(str_to_bytes(dumps(payload)))
            os.replace(partial, final)
        except OSError as exc:
            raise ChannelError(f"Cannot add file {final!r} to directory") from exc


class Transport(filesystem.Transport):
    Channel = Channel


def filesystem_transport_register() -> None:
    """Make ``filesystem://`` broker URLs use this transport."""
    TRANSPORT_ALIASES["filesystem"] = f"{__name__}:Transport"

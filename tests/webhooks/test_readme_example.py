"""The README's verification example accepts what CQPM signs, and refuses a tampered body."""

import re
import time
from pathlib import Path

from django.conf import settings

from webhooks.signing import signature_header


def _readme_function():
    readme = (Path(settings.BASE_DIR) / "README.md").read_text()
    section = readme.split("## Webhooks", 1)[1]
    code = re.search(r"```python\n(.*?)```", section, re.S).group(1)
    namespace: dict = {}
    exec(code, namespace)  # noqa: S102 - our own README
    return namespace["signature_valide"]


def test_the_readme_example_verifies_a_signature():
    check = _readme_function()
    body = '{"event":"ping","id":"é"}'.encode()
    header = signature_header(secret="whsec_abc", timestamp=int(time.time()), body=body)
    assert check("whsec_abc", header, body)
    assert not check("whsec_abc", header, body.replace(b"ping", b"pong"))
    assert not check("whsec_autre", header, body)
    old = signature_header(secret="whsec_abc", timestamp=int(time.time()) - 3600, body=body)
    assert not check("whsec_abc", old, body)

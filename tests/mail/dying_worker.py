"""`rapport worker` that dies, as the kernel's OOM killer would kill it (SIGKILL), when it comes
to parse a mail holding the header `X-Test-Kills-Worker`: for tests/mail/test_intake_crash.py.

    python -m tests.mail.dying_worker worker --interval 0.05 ...
"""

from __future__ import annotations

import os
import signal
import sys

import django


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rapport.settings")
    django.setup()
    from rapport.cli import main as rapport
    from rapport.mail import bounds
    from rapport.mail.parse import ParsedEmail

    read_mail = bounds.read_mail

    def dying_read_mail(raw: bytes) -> ParsedEmail:
        if b"\nX-Test-Kills-Worker:" in raw:
            os.kill(os.getpid(), signal.SIGKILL)
        return read_mail(raw)

    bounds.read_mail = dying_read_mail
    rapport(sys.argv[1:])


if __name__ == "__main__":
    main()

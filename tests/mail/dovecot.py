"""A real Dovecot IMAP server on loopback for the fetch-imap tests; a missing one fails in CI.

Plain IMAP on 127.0.0.1 with a passwd-file of test users and maildirs in a temporary folder.
As root (CI) Dovecot's own unprivileged users run the login and internal processes and `nobody`
owns the mail; otherwise everything runs as the current user.
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from imapclient import IMAPClient

from tests.conftest import missing_component

USERS = {"tester": "secret-one", "second": "secret-two"}


@dataclass
class Dovecot:
    port: int
    folder: Path

    def url(self, user: str = "tester", folder: str = "INBOX") -> str:
        return f"imap://{user}:{USERS[user]}@127.0.0.1:{self.port}/{folder}"

    def client(self, user: str = "tester") -> IMAPClient:
        client = IMAPClient("127.0.0.1", port=self.port, ssl=False, timeout=10)
        client.login(user, USERS[user])
        return client

    def append(self, raw: bytes, *, user: str = "tester", folder: str = "INBOX") -> None:
        with self.client(user) as client:
            client.append(folder, raw)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _user_exists(name: str) -> bool:
    try:
        pwd.getpwnam(name)
    except KeyError:
        return False
    return True


def _config(folder: Path, port: int) -> str:
    if os.geteuid() == 0:
        internal = "dovecot" if _user_exists("dovecot") else "nobody"
        login = "dovenull" if _user_exists("dovenull") else "nobody"
        mail = pwd.getpwnam("nobody")
        uid, gid = mail.pw_uid, mail.pw_gid
    else:
        me = pwd.getpwuid(os.geteuid())
        internal = login = me.pw_name
        uid, gid = me.pw_uid, os.getegid()
    home = folder / "home"
    home.mkdir()
    lines = []
    for user, password in USERS.items():
        (home / user).mkdir()
        os.chown(home / user, uid, gid)
        lines.append(f"{user}:{{PLAIN}}{password}:{uid}:{gid}::{home / user}::")
    (folder / "passwd").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return f"""
protocols = imap
listen = 127.0.0.1
base_dir = {folder}/run
state_dir = {folder}/state
log_path = {folder}/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
default_internal_user = {internal}
default_login_user = {login}
first_valid_uid = 1
first_valid_gid = 1
mail_location = maildir:~/Maildir
passdb {{
  driver = passwd-file
  args = scheme=PLAIN {folder}/passwd
}}
userdb {{
  driver = passwd-file
  args = {folder}/passwd
}}
service imap-login {{
  chroot =
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service anvil {{
  chroot =
}}
"""


@pytest.fixture
def dovecot() -> Iterator[Dovecot]:
    binary = shutil.which("dovecot") or (
        "/usr/sbin/dovecot" if Path("/usr/sbin/dovecot").exists() else None
    )
    if binary is None:
        message = "dovecot is not installed (Debian package dovecot-imapd; .ci/run installs it)"
        missing_component(message)
    folder = Path(tempfile.mkdtemp(prefix="rapport-dovecot-"))
    folder.chmod(0o755)  # the mail user (nobody) must reach its maildir
    port = _free_port()
    conf = folder / "dovecot.conf"
    conf.write_text(_config(folder, port), encoding="utf-8")
    server = subprocess.Popen(  # noqa: S603 - our own fixed command line
        [binary, "-F", "-c", str(conf)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    try:
        deadline = time.monotonic() + 15
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    log = (
                        (folder / "dovecot.log").read_text(errors="replace")
                        if (folder / "dovecot.log").exists()
                        else ""
                    )
                    err = server.stderr.read().decode(errors="replace") if server.stderr else ""
                    pytest.fail(f"dovecot did not start:\n{err}\n{log}")
                time.sleep(0.05)
        yield Dovecot(port=port, folder=folder)
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        shutil.rmtree(folder, ignore_errors=True)


__all__ = ["USERS", "Dovecot", "dovecot"]

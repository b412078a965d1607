"""JWZ-style threading over Message-ID / In-Reply-To / References, plus subject helpers.

https://www.jwz.org/doc/threading.html, with these choices for a help desk:
- a message's own References/In-Reply-To win over parents presumed from other messages'
  References (so a lying header cannot hijack an existing chain), and links that would make a
  loop are refused;
- messages are never grouped by subject alone unless asked (unrelated "Hello" mails must not
  merge); empty containers are pruned, and a missing root with several children stays one thread.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Generic, TypeVar

K = TypeVar("K")

_REPLY_PREFIX = re.compile(
    r"^\s*(?:(?:re|aw|sv|vs|antw|odp|ref|rif|r|fwd?|wg|tr|rv|enc|doorst|vl|fs|"
    r"回复|回覆|答复|转发|返信|転送)\s*(?:\[\d+\]|\(\d+\))?\s*[:\uff1a]\s*|\[[^\]]*\]\s*)+",
    re.IGNORECASE,
)
_PREFIX_ONLY = re.compile(
    r"^\s*(?:re|aw|sv|vs|antw|odp|ref|rif|r|fwd?|wg|tr|rv|enc|回复|答复|返信)\s*(?:\[\d+\]|\(\d+\))?"
    r"\s*[:\uff1a]",
    re.IGNORECASE,
)
_CASE_TOKEN = re.compile(r"\[\s*(?:[A-Za-z][\w-]{0,20}\s*)?#\s*(\d{1,12})\s*\]")


def normalise_subject(subject: str) -> str:
    """ "Re: AW: [list] Fwd: RE[2]: Hello  world" -> "hello world" (for comparison only)."""
    previous = None
    text = subject or ""
    while previous != text:
        previous = text
        text = _REPLY_PREFIX.sub("", text)
        text = re.sub(r"\s*\((?:fwd|fw)\)\s*$", "", text, flags=re.IGNORECASE)
    return " ".join(text.split()).casefold()


def is_reply_subject(subject: str) -> bool:
    return bool(_PREFIX_ONLY.match(subject or ""))


def case_token(subject: str) -> int | None:
    """The case number in a "[#123]" or "[Case #123]" subject token, if any."""
    match = _CASE_TOKEN.search(subject or "")
    return int(match.group(1)) if match else None


@dataclass(frozen=True)
class ThreadMessage(Generic[K]):
    key: K
    message_id: str
    in_reply_to: tuple[str, ...] = ()
    references: tuple[str, ...] = ()
    subject: str = ""


@dataclass(eq=False)
class Container(Generic[K]):
    message_id: str
    message: ThreadMessage[K] | None = None
    parent: Container[K] | None = None
    children: list[Container[K]] = field(default_factory=list)

    def has_descendant(self, other: Container[K]) -> bool:
        stack = list(self.children)
        seen: set[int] = set()
        while stack:
            node = stack.pop()
            if node is other:
                return True
            if id(node) in seen:
                continue
            seen.add(id(node))
            stack.extend(node.children)
        return False

    def walk(self) -> Iterator[Container[K]]:
        stack: list[Container[K]] = [self]
        while stack:
            node = stack.pop()
            yield node
            stack.extend(reversed(node.children))

    def size(self) -> int:
        return sum(1 for _ in self.walk())

    def messages(self) -> list[ThreadMessage[K]]:
        return [node.message for node in self.walk() if node.message is not None]


def _unlink(child: Container[K]) -> None:
    if child.parent is not None:
        child.parent.children.remove(child)
        child.parent = None


def _link(parent: Container[K], child: Container[K]) -> bool:
    if parent is child or child.has_descendant(parent):
        return False  # would make a loop
    _unlink(child)
    child.parent = parent
    parent.children.append(child)
    return True


def reference_chain(message: ThreadMessage[K]) -> list[str]:
    """References then In-Reply-To, deduplicated, without the message's own id.

    In-Reply-To names the direct parent, so it goes last even when References disagree."""
    chain = dict.fromkeys(
        ref for ref in (*message.references, *message.in_reply_to) if ref != message.message_id
    )
    if message.in_reply_to and message.in_reply_to[-1] in chain:
        parent = message.in_reply_to[-1]
        del chain[parent]
        chain[parent] = None
    return [ref for ref in chain if ref]


def thread(
    messages: Iterable[ThreadMessage[K]], *, group_by_subject: bool = False
) -> list[Container[K]]:
    """Roots of the thread forest, in order of first appearance."""
    table: dict[str, Container[K]] = {}
    order: list[Container[K]] = []

    def container(message_id: str) -> Container[K]:
        node = table.get(message_id)
        if node is None:
            node = table[message_id] = Container(message_id)
            order.append(node)
        return node

    for index, message in enumerate(messages):
        message_id = message.message_id or f"\x00missing-{index}"
        if message_id in table and table[message_id].message is not None:
            message_id = f"{message_id}\x00duplicate-{index}"  # a reused Message-ID
        this = container(message_id)
        this.message = message
        chain = reference_chain(message)
        previous: Container[K] | None = None
        for ref in chain:
            node = container(ref)
            # Presume links between References only where nothing is known yet: a later,
            # lying References header cannot re-parent an existing chain.
            if previous is not None and node.parent is None:
                _link(previous, node)
            previous = node
        if previous is not None:
            # The message's own headers are the best evidence of its parent.
            _link(previous, this)
        else:
            _unlink(this)

    roots = [node for node in order if node.parent is None]
    result: list[Container[K]] = []
    for root in roots:
        result.extend(_prune(root))
    if group_by_subject:
        result = _group_by_subject(result)
    return result


def _prune(root: Container[K]) -> list[Container[K]]:
    """Drop empty containers; an empty root with one child is replaced by the child."""
    stack = [root]
    post: list[Container[K]] = []
    while stack:
        node = stack.pop()
        post.append(node)
        stack.extend(node.children)
    for node in reversed(post):  # children before parents
        if node.message is None and node.parent is not None:
            parent = node.parent
            position = parent.children.index(node)
            parent.children[position : position + 1] = node.children
            for child in node.children:
                child.parent = parent
            node.children = []
            node.parent = None
    if root.message is None:
        if not root.children:
            return []
        if len(root.children) == 1:
            child = root.children[0]
            child.parent = None
            root.children = []
            return [child]
    return [root]


def _group_by_subject(roots: list[Container[K]]) -> list[Container[K]]:
    by_subject: dict[str, Container[K]] = {}
    result: list[Container[K]] = []
    for root in roots:
        message = root.message or (root.children[0].message if root.children else None)
        subject = normalise_subject(message.subject) if message else ""
        existing = by_subject.get(subject) if subject else None
        if existing is None or message is None or not is_reply_subject(message.subject):
            if subject and existing is None:
                by_subject[subject] = root
            result.append(root)
            continue
        _link(existing, root)
    return result


def root_of(roots: list[Container[K]]) -> dict[K, K | None]:
    """message key -> key of the first message of its thread (None if the root is empty)."""
    mapping: dict[K, K | None] = {}
    for root in roots:
        first = root.message.key if root.message else None
        for node in root.walk():
            if node.message is not None:
                mapping[node.message.key] = first if first is not None else node_key(root)
    return mapping


def node_key(root: Container[K]) -> K | None:
    for node in root.walk():
        if node.message is not None:
            return node.message.key
    return None


def grouping_agreement(predicted: dict[K, K | None], expected: dict[K, K]) -> float:
    """Fraction of messages whose predicted thread holds exactly the expected messages."""

    def groups(mapping: dict[K, K | None]) -> dict[K, frozenset[K]]:
        members: dict[object, set[K]] = {}
        for key, root in mapping.items():
            members.setdefault(root, set()).add(key)
        return {key: frozenset(members[root]) for key, root in mapping.items()}

    want = groups(dict(expected))
    got = groups(predicted)
    if not want:
        return 1.0
    return sum(1 for key, group in want.items() if got.get(key) == group) / len(want)

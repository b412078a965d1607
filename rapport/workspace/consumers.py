"""The agent workspace's socket (`/ws/desk/`): nudges that make `live.js` fetch now, and presence.

It never carries what changed: a nudge (`{"type": "case", "case": id}`, `{"type":
"notifications"}`) only makes the page ask its ETag-polled fragment at once instead of at the
next slow poll. Who may listen is checked as for the pages: a signed-in agent (anonymous and
users without an agent are refused) joins their own group and their teams' at once, and a case's
group only when `case_for_agent` lets them open that case.

Presence (who is viewing or typing on a case) lives on the socket only: a client watching a case
says `{"type": "presence", "case": id, "typing": bool}` now and then, and the others watching it
get `{"type": "presence", "case": id, "agent": id, "name": str, "typing": bool}`; `"gone": true`
when that agent's socket closes. Clients let an entry expire when it is not repeated. With
`"reply": true` (a reply being written, not a note) the case's chat customer is told too
(`rapport/chat/actions/typing.py`); the chat customer typing arrives here as a presence line.
"""

from __future__ import annotations

from typing import Any

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.http import Http404

from rapport.cases.access import agent_team_ids, case_for_agent
from rapport.chat.actions.typing import agent_typing
from rapport.lib.nudges import agent_group, case_group, team_group
from rapport.people.models import Agent


def _agent_of(user: Any) -> Agent | None:
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    return Agent.objects.filter(user=user).first()


def _may_open(agent: Agent, case_id: int) -> bool:
    try:
        case_for_agent(agent, case_id)
    except Http404:
        return False
    return True


def _typing_a_reply(agent: Agent, case_id: int) -> None:
    try:
        case = case_for_agent(agent, case_id)
    except Http404:
        return  # no longer theirs since they began watching it
    agent_typing(case=case, agent=agent)


class DeskConsumer(AsyncJsonWebsocketConsumer):  # type: ignore[misc]
    agent: Agent | None = None

    async def connect(self) -> None:
        self.agent = await database_sync_to_async(_agent_of)(self.scope.get("user"))
        self.joined: set[str] = set()
        self.cases: set[int] = set()
        if self.agent is None:
            await self.close(code=4401)  # before accepting: the handshake is refused (403)
            return
        teams = await database_sync_to_async(agent_team_ids)(self.agent)
        for group in [agent_group(self.agent.pk), *(team_group(pk) for pk in teams)]:
            await self._join(group)
        await self.accept()

    async def disconnect(self, code: int) -> None:
        for case_id in getattr(self, "cases", set()):
            await self._presence(case_id, typing=False, gone=True)
        for group in getattr(self, "joined", set()):
            await self.channel_layer.group_discard(group, self.channel_name)

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        if not isinstance(content, dict) or self.agent is None:
            return
        case_id = content.get("case")
        if not isinstance(case_id, int) or isinstance(case_id, bool):
            return
        kind = content.get("type")
        if kind == "watch":
            if case_id not in self.cases:
                if not await database_sync_to_async(_may_open)(self.agent, case_id):
                    await self.send_json({"type": "refused", "case": case_id})
                    return
                self.cases.add(case_id)
                await self._join(case_group(case_id))
            await self.send_json({"type": "watching", "case": case_id})
        elif kind == "presence" and case_id in self.cases:
            typing = content.get("typing") is True
            await self._presence(case_id, typing=typing, gone=False)
            if typing and content.get("reply") is True:
                # A reply being written (not a note): the customer's chat is told too.
                await database_sync_to_async(_typing_a_reply)(self.agent, case_id)

    async def nudge(self, event: dict[str, Any]) -> None:
        """A group message from `rapport.lib.nudges` (or a peer's presence): passed on."""
        payload = event.get("payload") or {}
        if payload.get("type") == "presence" and payload.get("from") == self.channel_name:
            return  # one's own presence is not news
        payload = {key: value for key, value in payload.items() if key != "from"}
        await self.send_json(payload)

    async def _join(self, group: str) -> None:
        await self.channel_layer.group_add(group, self.channel_name)
        self.joined.add(group)

    async def _presence(self, case_id: int, *, typing: bool, gone: bool) -> None:
        if self.agent is None:
            return
        payload = {
            "type": "presence",
            "case": case_id,
            "agent": self.agent.pk,
            "name": self.agent.display_name,
            "typing": typing,
            "gone": gone,
            "from": self.channel_name,
        }
        await self.channel_layer.group_send(
            case_group(case_id), {"type": "nudge", "payload": payload}
        )

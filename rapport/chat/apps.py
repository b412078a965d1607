from django.apps import AppConfig


class ChatConfig(AppConfig):
    name = "rapport.chat"
    label = "chat"

    def ready(self) -> None:
        from rapport.cases.hooks import on_case_taken
        from rapport.cases.transports import Transport, register
        from rapport.chat.actions.conversations import (
            agent_took,
            has_conversation,
            queue_chat_reply,
        )
        from rapport.chat.actions.unseen import sweep_unseen_replies
        from rapport.chat.sweeps import sweep_unanswered
        from rapport.jobs.items import name_items
        from rapport.jobs.scheduler import register_sweep
        from rapport.people.models import Channel

        # An agent's reply with channel "chat" is stored in the customer's conversation.
        register(Transport(channel=Channel.CHAT, queue=queue_chat_reply, reaches=has_conversation))
        # A person who takes a chat's case is announced to the customer ("Ana has joined").
        on_case_taken.subscribe(agent_took)
        # Agent replies the customer has not seen within minutes go to them by email.
        register_sweep("chat_unseen", sweep_unseen_replies)
        # A chat no person answered in time is told so, with a call back or email offered.
        register_sweep("chat_unanswered", sweep_unanswered)
        name_items("chat", "chat_unanswered")

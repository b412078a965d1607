from django.apps import AppConfig


class ChatConfig(AppConfig):
    name = "rapport.chat"
    label = "chat"

    def ready(self) -> None:
        from rapport.cases.transports import Transport, register
        from rapport.chat.actions.conversations import has_conversation, queue_chat_reply
        from rapport.people.models import Channel

        # An agent's reply with channel "chat" is stored in the customer's conversation.
        register(Transport(channel=Channel.CHAT, queue=queue_chat_reply, reaches=has_conversation))

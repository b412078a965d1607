from django.apps import AppConfig


class SocialConfig(AppConfig):
    name = "rapport.social"
    label = "social"
    verbose_name = "Social listening"

    def ready(self) -> None:
        from rapport.cases.hooks import on_customers_merged
        from rapport.cases.transports import Transport, register
        from rapport.jobs.scheduler import register_sweep
        from rapport.people.models import Channel
        from rapport.social.actions.customers import follow_merge
        from rapport.social.polling import sweep_bluesky, sweep_mastodon
        from rapport.social.transport import (
            queue_mastodon_reply,
            reaches_mastodon,
            send_mastodon_reply,
            why_unreached,
        )

        # A reply on a Mastodon case is posted there (through the outbox, which retries);
        # a post from a platform with no transport is answered there by a person, and recorded.
        register(
            Transport(
                channel=Channel.SOCIAL,
                queue=queue_mastodon_reply,
                reaches=reaches_mastodon,
                unreachable=why_unreached,
                caveat=(
                    "By social: posted on Mastodon or Bluesky in answer to their latest post "
                    "there, as visible as that post is (a public post's answer is public), "
                    "signed with your name."
                ),
                send=send_mastodon_reply,
            )
        )
        # A customer merged into another: their posts follow them, as their cases do.
        on_customers_merged.subscribe(follow_merge)
        # The desk's Mastodon mentions, taken in every RAPPORT_MASTODON_POLL_SECONDS.
        register_sweep("social_mastodon", sweep_mastodon)
        # The desk's Bluesky mentions, replies and quotes, every RAPPORT_BLUESKY_POLL_SECONDS.
        register_sweep("social_bluesky", sweep_bluesky)

"""`rapport demo`: load the demo world (once) and print how to sign in."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from rapport.demo import loading, world


class Command(BaseCommand):
    help = "Load a small demo world built from the product's stories (safe to run twice)."

    def handle(self, *args: Any, **options: Any) -> None:
        result = loading.load()
        if result.created:
            self.stdout.write(self.style.SUCCESS("Demo data loaded."))
        else:
            self.stdout.write("Demo data is already loaded; nothing changed.")
        self.stdout.write(f"Sign in with any of these users, password {world.PASSWORD!r}:")
        self.stdout.write(f"  {world.SUPERVISOR:<12} supervisor (sees every team)")
        for username, display, site, *_rest, teams in world.AGENTS:
            self.stdout.write(f"  {username:<12} {display}, {site} ({', '.join(teams)})")

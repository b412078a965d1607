"""`rapport saved-reply`: an operator lists and adds saved replies and sets a business's policy
on template text sent unedited, through the same actions as the web page and the API."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from rapport.cases.models import SavedReply
from rapport.people.actions.agents import create_brand
from tests.conftest import World


def run(*args: str) -> str:
    out = StringIO()
    call_command("saved_reply", *args, stdout=out)
    return out.getvalue()


def test_adds_lists_and_sets_the_policy(world: World, tmp_path: Path) -> None:
    brand = create_brand(name="Night Clinic", slug="night-clinic", by=None)
    text = tmp_path / "cough.txt"
    text.write_text("Hi {customer_first_name},\nhoney helps.\n{agent_first_name}", "utf-8")
    said = run("--title", "Puppy cough", "--text-file", str(text), "--team", "clinic")
    saved = SavedReply.objects.get()
    assert said == f"Saved reply #{saved.pk} 'Puppy cough' added.\n"
    assert saved.team == world.clinic and saved.text.startswith("Hi {customer_first_name},\n")
    run("--title", "Everyone", "--text", "Hello {customer_name}", "--brand", "night-clinic")
    assert run() == (
        f"#{saved.pk + 1}\tEveryone\tnight-clinic\tevery team\n"
        f"#{saved.pk}\tPuppy cough\tevery business\tclinic\n"
    )
    assert run("--brand", "night-clinic", "--allow-unedited") == (
        "Night Clinic allows (and counts) template text sent unedited.\n"
    )
    brand.refresh_from_db()
    assert brand.refuse_unedited_templates is False


def test_bad_input_is_refused_and_nothing_is_written(world: World) -> None:
    with pytest.raises(CommandError, match=r"\{pet\} is not a placeholder"):
        run("--title", "Pet", "--text", "How is {pet}?")
    with pytest.raises(CommandError, match="No team 'nope'"):
        run("--title", "Pet", "--text", "Hi", "--team", "nope")
    with pytest.raises(CommandError, match="Say which business"):
        run("--refuse-unedited")
    with pytest.raises(CommandError, match=r"Cannot read /nonexistent/x\.txt"):
        run("--title", "Pet", "--text-file", "/nonexistent/x.txt")
    assert not SavedReply.objects.exists()

"""The words and patterns triage listens for, in English and Spanish.

Patterns run on *folded* text: lower case, Spanish accents removed (``llámenme`` -> ``llamenme``),
curly apostrophes straightened. A space in a pattern matches any run of whitespace. Each
pattern is wrapped in letter/digit boundaries when compiled, so ``bot`` never matches ``bottle``.

Tuning: add a `Rule` to the right table; the reason an agent sees is ``<signal>: "<the words
that matched>" (<kind>)``. `weight` matters for upset only (see `UPSET_THRESHOLD`); `negatable`
rules are dropped when a negator ("not", "no", "don't", "no need to", Spanish "no", "sin") sits
in the three words before them in the same clause; `weak` urgent rules (deadlines, "asap") are
dropped when the customer says there is no rush.

The tables, by signal: health and safety in `lexicon_health.py`, the other urgent kinds (money,
access, deadlines, cannot wait) and what makes a match count or not (over, long ago, no rush) in
`lexicon_urgent.py`, upset in `lexicon_upset.py`, wanting a person, going round in circles and
praise in `lexicon_contact.py`. This module holds what they share.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Rule:
    kind: str
    pattern: str
    weight: int = 2
    negatable: bool = False
    weak: bool = False


# ---------------------------------------------------------------- shared fragments
CANT = r"(?:can'?t|cannot|can not|unable to|couldn'?t|could not|not able to|impossible to)"
PERSON = (
    r"(?:(?:a|an|the|some|your|one of your|to a|with a)\s+)?(?:(?:real|actual|live|proper)\s+)?"
    r"(?:person|human(?: being)?|agent|representative|rep|someone|somebody|anyone|anybody"
    r"|manager|supervisor|operator|people|staff member|member of staff|team leader|boss)"
)
NUM_WORD = r"(?:two|three|four|five|six|seven|eight|nine|ten|\d+|several|many|multiple|so many)"
ORDINAL = r"(?:second|third|fourth|fifth|sixth|2nd|3rd|4th|5th|6th|\d+th|umpteenth|enth)"
LATE_ORDINAL = r"(?:third|fourth|fifth|sixth|3rd|4th|5th|6th|\d+th|umpteenth|enth)"
ES_NUM = r"(?:dos|tres|cuatro|cinco|seis|\d+|varias|muchas|mil)"
WEEKDAY = r"(?:mon|tues|wednes|thurs|fri|satur|sun)day"

# ---------------------------------------------------------------- urgent
HEALTH = "health or safety"
MONEY = "money being taken"
OUTAGE = "losing access"
DEADLINE = "hard deadline"
CANT_WAIT = "cannot wait"

# The safety kinds: each steers the contact to a call (see signals._contact); "cannot wait" is
# the customer's word alone and is not one of them. A deadline counts only within a day
# (`DEADLINE_SOON`).
SAFETY = {HEALTH: "health", MONEY: "money", OUTAGE: "access", DEADLINE: "deadline"}


# Negators looked for in the three words before a negatable match (same clause only).
NEGATORS = frozenset(
    {
        "not",
        "no",
        "never",
        "don't",
        "dont",
        "doesn't",
        "doesnt",
        "didn't",
        "isn't",
        "wasn't",
        "aren't",
        "without",
        "nothing",
        "hardly",
        "nunca",
        "sin",
        "ni",
        "jamas",
        "tampoco",
        "ningun",
        "ninguna",
        "nada",
        "haven't",
        "havent",
        "hasn't",
        "hasnt",
        "hadn't",
        "weren't",
    }
)

# After a negator, these make the negation the problem itself: "it won't stop bleeding",
# "hasn't stopped vomiting", "no para de sangrar", "no deja de llorar".
STOPS = frozenset(
    {"stop", "stops", "stopped", "stopping", "quit", "para", "paran", "deja", "dejan"}
)

# Short upper-case words that are shouting, not codes ("I TOLD you", "NOT again").
SHOUTED = frozenset({"NOT", "WHY", "NOW", "YOU", "ANY", "ALL", "OUT", "BUT", "YA", "QUE", "NO"})

# Upper-case words that are names, not shouting.
ACRONYMS = frozenset(
    {
        "OK",
        "PDF",
        "VAT",
        "API",
        "SMS",
        "USA",
        "UK",
        "EU",
        "ID",
        "PIN",
        "IT",
        "CEO",
        "FAQ",
        "DM",
        "URL",
        "ASAP",
        "IBAN",
        "NHS",
        "UTC",
        "CET",
        "AM",
        "PM",
        "TV",
        "PC",
        "RA",
        "ETA",
        "CSV",
        "IVR",
        "RE",
        "FW",
        "FWD",
        "AGM",
        "PS",
        "XL",
        "IVA",
        "DNI",
        "NIE",
        "NIF",
        "CIF",
        "CP",
        "SL",
        "SA",
        "TPV",
        "RGPD",
        "GDPR",
        "RFC",
        "CURP",
        "CUIT",
        "RUT",
        "SEPA",
        "OTP",
        "SKU",
        "QR",
        "NFC",
        "POS",
        "ATM",
        "USB",
        "GPS",
        "HR",
    }
)

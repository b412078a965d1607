"""The words and patterns triage listens for, in English and Spanish.

Patterns run on *folded* text: lower case, Spanish accents removed (``llámenme`` -> ``llamenme``),
curly apostrophes straightened. A space in a pattern matches any run of whitespace. Each
pattern is wrapped in letter/digit boundaries when compiled, so ``bot`` never matches ``bottle``.

Tuning: add a `Rule` to the right table; the reason an agent sees is ``<signal>: "<the words
that matched>" (<kind>)``. `weight` matters for upset only (see `UPSET_THRESHOLD`); `negatable`
rules are dropped when a negator ("not", "no", "don't", "no need to", Spanish "no", "sin") sits
in the three words before them in the same clause; `weak` urgent rules (deadlines, "asap") are
dropped when the customer says there is no rush.

The rules for wanting a person, going round in circles and praise are in `lexicon_contact.py`.
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
MONEY = "money or security"
OUTAGE = "service outage"
DEADLINE = "hard deadline"
CANT_WAIT = "cannot wait"

URGENT_RULES: tuple[Rule, ...] = (
    # health or safety, people and animals
    Rule(
        HEALTH,
        r"bleed(?:ing|s)?|blood (?:everywhere|from|in (?:his|her|the|my) \w+)",
        negatable=True,
    ),
    Rule(HEALTH, r"vomit(?:ing|s|ed)? blood|sangr(?:a|ando|e|ado|ando mucho)", negatable=True),
    Rule(HEALTH, CANT + r" breathe|(?:not|isn'?t|struggling to|trouble|difficulty) breathing?"),
    Rule(HEALTH, r"breathing (?:with (?:his|her|its|their) mouth open|heavily|fast|hard|funny)"),
    Rule(HEALTH, r"not breathing|no (?:puede )?respira|choking|se ahoga"),
    Rule(
        HEALTH,
        r"seizures?|fitting(?! (?:me|us|him|her|them|you|in))|convulsi\w+|collapsed"
        r"|unconscious|unresponsive",
    ),
    Rule(HEALTH, r"won'?t (?:move|wake up|stand)|" + CANT + r" (?:stand|walk) up"),
    Rule(HEALTH, r"hit by a (?:car|van|truck|bike)|atropell\w+|accidente"),
    Rule(
        HEALTH,
        r"(?:ate|eaten|swallowed|got into|chewed|se (?:ha )?comido|se comio|ha comido|se trago)"
        r"(?: [\w'-]+){0,6} (?:chocolate|grapes|raisins|xylitol|rat poison|poison|antifreeze"
        r"|ibuprofen|paracetamol|pills|tablets|batter(?:y|ies)|magnets?|bleach|lilies|uvas"
        r"|pasas|veneno|pastillas|pilas)",
    ),
    Rule(HEALTH, r"poison(?:ed|ing)|envenen\w+|allergic reaction|anaphyla\w+"),
    Rule(
        HEALTH,
        r"(?:lips|face|jaw|eyes?|throat|tongue|cheek|mouth|paw|leg)"
        r"(?: (?:is|are|has|have|keeps?))? (?:swelling|swollen|puffed up)|swelling|swollen",
        negatable=True,
    ),
    Rule(HEALTH, r"hinchad[oa]s?|hinchazon|se (?:le |me )?esta hinchando"),
    Rule(
        HEALTH,
        r"in (?:a lot of |so much |severe |terrible |real |such |extreme )?pain"
        r"|(?:severe|terrible|unbearable|excruciating|extreme|awful|horrible) pain"
        r"|unbearable|agony|(?:tooth|teeth|head|back) (?:is |are )?killing me",
        negatable=True,
    ),
    Rule(HEALTH, r"dolor (?:insoportable|muy fuerte|fuerte|terrible)|insoportable|me duele mucho"),
    Rule(HEALTH, r"chest pain|heart attack|stroke|high fever|fever(?: of)? \d+|colic(?:ing|ky)?"),
    Rule(
        HEALTH,
        r"(?:wound|stitches|incision|sutures?) (?:\w+ )?(?:has |have |is |are )?"
        r"(?:opened|open|bleeding|infected|oozing|split|burst|came out)",
    ),
    Rule(
        HEALTH,
        r"burning smell|smells? (?:of )?(?:burning|gas)|gas (?:smell|leak)|smell of gas|on fire"
        r"|sparks|smoke|carbon monoxide|electric shock|fuga de gas|olor a gas|incendio",
    ),
    Rule(HEALTH, r"water (?:is )?(?:pouring|leaking|flooding|coming) (?:from|through|in)|flooding"),
    Rule(HEALTH, r"(?:hasn'?t|has not|won'?t|isn'?t|not) eat(?:en|ing)? (?:since|for|anything)"),
    Rule(HEALTH, r"wrong (?:medication|medicine|pills|tablets|dose|dosage|drug)"),
    Rule(HEALTH, r"emergency|emergencia|urgencias", negatable=True),
    # money or security
    Rule(MONEY, r"fraud(?:ulent)?|fraude|phishing|identity theft|suplantacion", negatable=True),
    Rule(MONEY, r"hack(?:ed|eado|eada|earon)?|me han hackeado|hackers?", negatable=True),
    Rule(
        MONEY,
        r"(?:account|email|card|password|identity|details) (?:was |has been |got |is |is being )?"
        r"(?:compromised|taken over|hijacked|stolen|hacked|used by someone)",
    ),
    Rule(
        MONEY,
        r"(?:someone|somebody|a stranger|someone else) (?:has |is |just )?(?:logged|accessed|using"
        r"|used|changed|emptied|took|stole|buying|bought|logging)",
    ),
    Rule(MONEY, r"using my (?:card|account|details)|emptied my account|" + r"privacy breach"),
    Rule(MONEY, r"(?:data|security) breach|someone else'?s (?:customer )?(?:data|details|account)"),
    Rule(
        MONEY,
        r"(?:didn'?t|did not|never) (?:make|authori[sz]e|authori[sz]ed|order|place|placed|request)"
        r" (?:this|these|that|those|the|any)\b",
    ),
    Rule(
        MONEY,
        r"(?:that|which) (?:i|we) (?:didn'?t|did not|never) (?:make|place|order|authori[sz]e|buy)"
        r"|(?:card|account|details) (?:was|has been|is being|were) used",
    ),
    Rule(MONEY, r"unauthori[sz]ed|never authori[sz]ed|without my (?:permission|consent)"),
    Rule(
        MONEY,
        r"(?:charged|billed|debited|paid|took|take|taken|taking|cobrado|cobraron|cobrar)"
        r"(?: [\w.$€£-]+){0,6} (?:twice|double|two times|"
        + NUM_WORD
        + r" times|"
        + ES_NUM
        + r" veces)",
    ),
    Rule(
        MONEY,
        r"double (?:charged|charge|payment|billing)|duplicate (?:charge|payment|transaction)"
        r"|(?:two|2|three|3) (?:identical |duplicate )?(?:charges|payments|debits|direct debits)",
    ),
    Rule(MONEY, r"cobro (?:doble|duplicado|no autorizado)|cargos? (?:no autorizado|no reconocido)"),
    Rule(
        MONEY,
        r"(?:charged|paid|payment taken)(?: [\w.$€£-]+){0,3},? but (?:the |my )?"
        r"(?:order|booking|ticket|reservation) (?:is )?(?:not|isn'?t|doesn'?t|wasn'?t|never)",
    ),
    Rule(MONEY, r"transfer (?:isn'?t|is not|not|hasn'?t) (?:showing|arrived|received)"),
    Rule(MONEY, r"money (?:is )?(?:missing|gone|disappeared)|asking for my (?:pin|password)"),
    # service outage blocking work
    Rule(
        OUTAGE,
        r"(?:site|website|app|system|server|service|platform|portal|api|checkout|dashboard|shop"
        r"|store|till|terminal|card reader|payments?|network|calendar|integration)"
        r" (?:is |are |has |have |has been |went |goes |seems )?(?:completely )?"
        r"(?:down|offline|not loading|unavailable|stopped working|stopped|disappeared|dead)",
    ),
    Rule(OUTAGE, r"down for (?:everyone|all of us|hours)|is [@\w.]+ down\b|outage"),
    Rule(
        OUTAGE,
        CANT + r" (?:log ?in|login|sign ?in|access (?:my|our|the|any)|get into (?:my|our|the)"
        r"|open (?:any|our|the) (?:\w+ )?(?:files|records|system))|locked out",
    ),
    Rule(
        OUTAGE,
        CANT + r" (?:take|process|accept|ship|book) (?:any )?(?:card )?"
        r"(?:payments|orders|bookings|cards|anyone|anything)",
    ),
    Rule(
        OUTAGE,
        r"(?:none of us|nobody|no one|noone) (?:here )?(?:can|is able to) (?:log ?in|login"
        r"|sign ?in|access|work|open)",
    ),
    Rule(OUTAGE, r"sitting idle|turning (?:people|customers) away|losing (?:money|sales|orders)"),
    Rule(OUTAGE, r"(?:production|line|factory|operations|work) (?:is |has )?(?:stopped|halted)"),
    Rule(OUTAGE, r"\bis blocked\b|nothing works|returns? 5\d\d|error 5\d\d|5\d\d error"),
    Rule(
        OUTAGE,
        r"no (?:puedo|podemos) (?:entrar|acceder|trabajar|vender|cobrar|facturar|iniciar sesion)"
        r"|no funciona nada|(?:esta|se ha) caid[oa]|fuera de servicio",
    ),
    # hard deadlines that do not depend on a sentence-level cue (see signals._deadlines)
    Rule(
        DEADLINE,
        r"(?:i'?m|we'?re|i am|we are) (?:travel(?:l)?ing|flying|leaving|abroad"
        r"|on a (?:work |business )?"
        r"trip)(?= (?:today|tonight|tomorrow|on "
        + WEEKDAY
        + r"|this|now|with|abroad|on a)|[.,!]|$)",
        weak=True,
    ),
    Rule(
        DEADLINE,
        r"(?:flight|fly|flying|leave|leaving|departure|boarding|train|trip)"
        r" (?:is |leaves |departs )?(?:today|tonight|tomorrow|on "
        + WEEKDAY
        + r"|in (?:an|one|two|\d+) hours?)",
        weak=True,
    ),
    Rule(DEADLINE, r"(?:today|tonight|tomorrow) (?:i|we) (?:travel|fly|leave)", weak=True),
    Rule(DEADLINE, r"(?:flight|train)(?: \w+)? (?:was |has been |got |is )?cancell?ed", weak=True),
    Rule(DEADLINE, r"(?:stuck|stranded) (?:at|in) (?:the )?(?:airport|station)", weak=True),
    Rule(
        DEADLINE, r"leave for the airport|miss(?:ing)? (?:my|our|the) (?:flight|train)", weak=True
    ),
    Rule(
        DEADLINE,
        r"(?:wedding|funeral|concert|recital|exam|interview|surgery|event|gig|performance"
        r"|presentation|graduation|audition)s? (?:is |are )?(?:today|tonight|tomorrow|this "
        + WEEKDAY
        + r"|next "
        + WEEKDAY
        + r"|on (?:"
        + WEEKDAY
        + r"|friday|saturday))",
        weak=True,
    ),
    Rule(
        DEADLINE,
        r"(?:estoy|estamos) (?:de viaje|en el aeropuerto)|viajo (?:manana|hoy)|(?:el )?vuelo sale"
        r"|tengo un (?:concierto|examen|evento|viaje)|(?:boda|funeral) (?:es )?(?:manana|hoy)",
        weak=True,
    ),
    # the customer says they cannot wait
    Rule(
        CANT_WAIT,
        r"urgent(?:ly)?|asap|a\.s\.a\.p|as soon as possible|immediately|right away|time.?sensitive"
        r"|urgente|cuanto antes|lo antes posible|de inmediato|ya mismo",
        negatable=True,
        weak=True,
    ),
    Rule(
        CANT_WAIT,
        CANT + r" wait (?:any ?longer|longer|much longer|another|until|till|that long|days|weeks)"
        r"|no puedo esperar",
        weak=True,
    ),
    Rule(CANT_WAIT, r"need (?:someone|somebody|help|this|it|a fix) (?:now|tonight)", weak=True),
)

# A time word counts as a hard deadline when the same sentence carries a need cue
# ("I need it today", "the tender deadline is today") - "I received it today" does not.
DEADLINE_TIME = (
    r"today|tonight|this (?:morning|afternoon|evening)|tomorrow|end of (?:the )?day|eod"
    r"|by (?:"
    + WEEKDAY
    + r"|noon|midday|\d{1,2}(?::\d\d)? ?(?:am|pm)?)|before (?:"
    + WEEKDAY
    + r"|the weekend|then|i leave|we leave)"
    r"|hoy(?: mismo)?|esta (?:tarde|noche)|manana|antes del? (?:lunes|martes|miercoles|jueves"
    r"|viernes|sabado|domingo|fin de semana)"
)
DEADLINE_NEED = (
    r"need|needs|must|have to|has to|had better|deadline|due|before|until|latest|in time|ready"
    r"|leave|leaving|flight|flying|airport|travel|wedding|funeral|concert|recital|exam|interview"
    r"|surgery|event|possible|asap|urgent|necesito|necesitamos|tengo que|tenemos que|para (?:hoy"
    r"|manana)|antes|concierto|viaje|boda|urge"
)

# The customer says there is no hurry: weak urgent rules are dropped and priority may go low.
CALM: tuple[str, ...] = (
    r"no rush|no hurry|not (?:urgent|an emergency|in a hurry|a priority)|isn'?t urgent"
    r"|nothing urgent|there'?s (?:no|still) (?:rush|hurry|time)|there is (?:still )?time"
    r"|plenty of time|whenever (?:you (?:get a chance|can|have (?:a )?(?:moment|time))|suits)"
    r"|when you (?:have|get) a (?:moment|chance|minute)|at your convenience|no worries"
    r"|no es urgente|sin prisa|cuando (?:puedan|podais|tengan (?:un )?(?:hueco|tiempo))",
)

# ---------------------------------------------------------------- upset
ANGER = "anger"
FRUSTRATION = "frustration"
DISTRESS = "distress or fear"
REPEATED = "repeated contact"
SARCASM = "sarcasm"
UPSET_THRESHOLD = 2

UPSET_RULES: tuple[Rule, ...] = (
    Rule(
        ANGER,
        r"angry|furious|livid|outraged|pissed(?: off)?|fuming|disgusted|disgusting|disgrace(?:ful)?"
        r"|appall(?:ed|ing)|outrageous|unacceptable|not acceptable|shameful|how dare",
        negatable=True,
    ),
    Rule(
        ANGER,
        r"ridiculous|pathetic|incompetent|useless|(?:is|what) a joke|insane|atrocious|scandalous"
        r"|worst|terrible|horrible|awful|ruined|ruining|nightmare|scam|rip.?off|ffs|wtf",
        negatable=True,
    ),
    Rule(
        ANGER,
        r"enfadad[oa]|furios[oa]|indignad[oa]|indignante|inaceptable|verguenza|pesim[oa]|fatal"
        r"|ridicul[oa]|una burla|una estafa|estafad[oa]|nunca mas|horrible|de risa",
        negatable=True,
    ),
    Rule(
        FRUSTRATION,
        r"fed up|sick (?:and tired )?of|tired of|had enough|enough is enough|frustrat\w+|annoy\w+"
        r"|i'?m done|driving me (?:mad|crazy|nuts)|are you (?:kidding|serious|joking)"
        r"|kidding me|unbelievable|can'?t believe|so hard to|how hard (?:is|can) it|you people"
        r"|stop ignoring|ignoring (?:me|us|my)|never again|treat (?:me|us|customers|people) like"
        r"|this is how you treat|fix (?:this|it) (?:now|immediately|today)|wow\W+just wow"
        r"|harto|harta|hasta las narices|estoy cansad[oa]",
        negatable=True,
    ),
    Rule(
        FRUSTRATION,
        r"(?:nobody|no one|no-one|noone|nadie) (?:\w+ )?(?:answers|answered|replies|replied"
        r"|responds|responded|responding|is answering|has answered|has replied|has called|called"
        r"|calls|picks up|gets back|got back|said a word|explained|me contesta|contesta|responde"
        r"|me responde|me atiende|atiende|me llama|me hace caso)",
    ),
    Rule(
        FRUSTRATION,
        r"(?:zero|no) (?:answers?|replies|reply|response|responses)(?! needed)|sin respuesta"
        r"|never (?:heard back|got (?:an? )?(?:answer|reply))",
    ),
    Rule(
        REPEATED,
        r"(?:the )?(?:" + LATE_ORDINAL + r") (?:time|email|message|mail|call|attempt)"
        r"|(?:tercera|cuarta|quinta) vez|for the " + LATE_ORDINAL + r" time",
    ),
    Rule(
        DISTRESS,
        r"worried|scared|afraid|terrified|frightened|panick?(?:ing|ed)|anxious|distress\w*"
        r"|desperate|stressed|in tears|crying|devastated|heartbroken|don'?t know what to do"
        r"|preocupad[oa]|asustad[oa]|desesperad[oa]|miedo|angustiad[oa]|no se que hacer",
        negatable=True,
    ),
    Rule(DISTRESS, r"upset|unhappy|not happy|not impressed|no estoy content[oa]", negatable=True),
    Rule(FRUSTRATION, r"(?:very|so|extremely|really|deeply|hugely) disappointed"),
    Rule(FRUSTRATION, r"disappoint\w*|decepcionad[oa]", weight=1, negatable=True),
    Rule(
        FRUSTRATION,
        r"still (?:no|not|nothing|haven'?t|hasn'?t|waiting|broken)|been waiting|waiting since"
        r"|(?:hours?|weeks?|days?|months?) (?:on hold|and (?:still|no|nothing))"
        r"|llevo \w+ \w+ esperando",
        weight=1,
    ),
    Rule(FRUSTRATION, r"seriously|really\?|why is it so|come on|ugh+|argh+|again!", weight=1),
)

# A praise word that opens a clause about a failure, with no "but": "great, broken again".
SARCASM_OPENERS = (
    r"(?:^|[.!?]\s*|\n)(?:oh |wow |yeah |just )?(?:great|fantastic|wonderful|brilliant|perfect"
    r"|lovely|amazing|awesome|nice one|nice|superb|excellent|thanks a lot|thank you so much"
    r"|well done|good job|love how|shout ?out to|genial|perfecto|estupendo|fantastico)\b"
)
SARCASM_FAILURE = (
    r"again|another|broken|broke|crash\w*|cancell?\w*|error|fail\w*|lost|late|later|nightmare"
    r"|down|still|charges?|not working|ruin\w*|otra vez|roto|de nuevo"
)
SARCASM_PHRASES = (
    r"thanks for nothing|just what i needed|yeah right|gracias por nada|really professional"
)

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
    }
)

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
    }
)

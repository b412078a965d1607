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
MONEY = "money being taken"
OUTAGE = "losing access"
DEADLINE = "hard deadline"
CANT_WAIT = "cannot wait"

# The safety kinds: each steers the contact to a call (see signals._contact); "cannot wait" is
# the customer's word alone and is not one of them. A deadline counts only within a day
# (`DEADLINE_SOON`).
SAFETY = {HEALTH: "health", MONEY: "money", OUTAGE: "access", DEADLINE: "deadline"}

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
        r"seizures?|(?:is|was|keeps?|started|been|having) fitting|having (?:a )?fits?"
        r"|convulsi\w+|collapsed|desplom\w+"
        r"|unconscious|unresponsive",
    ),
    Rule(HEALTH, r"won'?t (?:move|wake up|stand)|" + CANT + r" (?:stand|walk) up"),
    Rule(HEALTH, r"hit by a (?:car|van|truck|bike)|atropell\w+|accidente"),
    Rule(
        HEALTH,
        r"(?:ate|eaten|swallowed|got into|chewed|licked|drank|drunk|se (?:ha )?comido|se comio"
        r"|ha comido|se (?:ha )?tragado|se trago|lamio|ha lamido|se (?:ha )?bebido|se bebio"
        r"|se (?:ha )?tomado|se tomo)(?: [\w'%.,-]+){0,6} (?:chocolate|grapes|raisins|xylitol"
        r"|sugar.?free gum|chicles? sin azucar|rat poison|poison|antifreeze|anticongelante"
        r"|ibuprofen|ibuprofeno|paracetamol|pills|tablets|comprimidos|batter(?:y|ies)|magnets?"
        r"|imanes|bleach|lejia|cloro|lilies|lirios|uvas|pasas|veneno|raticida|pastillas|pilas?"
        r"|coins?|monedas?|string|ribbon|cinta|hilo|slug pellets|detergent|detergente"
        r"|medication|medicamentos?|vitamin\w*|dosette box|(?:whole|entire) (?:box|bottle"
        r"|packet|pack)|frasco|bote|blister|onions?|cebolla)",
    ),
    Rule(HEALTH, r"poison(?:ed|ing)|envenen\w+|allergic reaction|anaphyla\w+"),
    Rule(
        HEALTH,
        r"(?:lips|face|jaw|eyes?|throat|tongue|cheek|mouth|paw|leg)"
        r"(?: (?:is|are|has|have|keeps?))? (?:swelling|swollen|puffed up|puffing up)|swelling"
        r"|swollen|puffing up|(?:throat|chest) (?:feels |is )?(?:tight|closing)|stung by|ronchas"
        r"|garganta (?:se (?:le |me )?cierra|cerrada)",
        negatable=True,
    ),
    Rule(HEALTH, r"hinch\w+", negatable=True),
    Rule(
        HEALTH,
        r"in (?:a lot of |so much |severe |terrible |real |such |extreme )?pain"
        r"|(?:severe|terrible|unbearable|excruciating|extreme|awful|horrible) pain"
        r"|unbearable|agony|(?:tooth|teeth|head|back) (?:is |are )?killing me",
        negatable=True,
    ),
    Rule(HEALTH, r"dolor (?:insoportable|muy fuerte|fuerte|terrible)|insoportable|me duele mucho"),
    Rule(HEALTH, r"chest pain|heart attack|stroke|high fever|fever(?: of)? \d+|colic\w*|colico"),
    Rule(
        HEALTH,
        r"(?:fever|temp|temperature|fiebre|tiene|has|got) (?:a |of |is |at |de )?(?:fever |temp "
        r"|temperature |fiebre )?(?:of |de )?(?:3[89]|4[0-2]|10[1-6])(?:[.,]\d)?(?! ?(?:years"
        r"|anos|kg|kilos|euros|pounds|dollars|minutes|minutos|hours|horas|days|dias|items|\d))"
        r"|(?:has|got|running|with|con|tiene|tengo) (?:a )?(?:high )?(?:fever|fiebre)|drowsy"
        r"|adormilad[oa]|dizzy|mare(?:o|os|ad[oa])|(?:blurred|blurry) vision|ve borroso"
        r"|vision borrosa|como ida|(?:sugar|glucose|glucosa)(?: \w+){0,3} (?:[2-3]\d|\d{3})\b"
        r"|insulin pump|bomba de insulina|tarry|heces negras",
        negatable=True,
    ),
    Rule(
        HEALTH,
        r"(?:wound|stitches|incision|sutures?)(?: \w+){0,5} (?:has |have |is |are )?"
        r"(?:opened|open|bleeding|infected|oozing|split|burst|came out)|pus|oozing|yellow stuff"
        r"|(?:se (?:me |le )?ha|se (?:me |le )?) abierto la herida|herida(?: \w+){0,3}"
        r" (?:abierta|supura|infectada)|(?:sale|supura) (?:pus|liquido)",
    ),
    Rule(
        HEALTH,
        r"burning smell|smells? (?:of )?(?:burning|gas)|gas (?:smell|leak)|smell of gas|on fire"
        r"|sparks|smoke|carbon monoxide|electric shock|fuga de gas|olor a gas|incendio"
        r"|rotten eggs?|huevos? podridos?|monoxido|hissing|silbando|(?:wires?|cables?)"
        r" (?:are |is )?(?:bare|exposed|hanging out)|bare wires?|brakes? (?:feel )?(?:soft|failed"
        r"|gone|not working)|pedal went to the floor|frenos? (?:no funcionan|fallan|fallaron)"
        r"|glass (?:shards?|pieces|fragments)|(?:trozos? de )?(?:cristal|vidrio)(?: \w+){0,3}"
        r" en (?:el|la) (?:comida|potito|tarro|yogur)",
    ),
    Rule(HEALTH, r"water (?:is )?(?:pouring|leaking|flooding|coming) (?:from|through|in)|flooding"),
    Rule(
        HEALTH,
        r"(?:hasn'?t|has not|won'?t|wont|will not|isn'?t|not) (?:eat|eaten|eating)(?: \w+){0,2}"
        r" (?:since|for|anything|all day|food|hay|breakfast|dinner)|refus(?:ed|ing|es) (?:food"
        r"|to eat|(?:his|her|its) food)|off (?:his|her|its|their) food|(?:wet|dirty) nappy"
        r"|wet nappies|no ha mojado (?:el |ningun )?panal|(?:won'?t|not) (?:feed|feeding)"
        r"|no (?:toma|quiere) (?:el pecho|el biberon)|(?:breathing|respira)(?: \w+){0,2}"
        r" (?:strangely|oddly|noisily|weird|ruidoso|raro|mal|con dificultad|rapido|muy rapido)"
        r"|lengua morada|jadeando|panting (?:heavily|hard|a lot)|(?:locked|left|stuck|trapped)"
        r" in (?:the|a|my) (?:hot )?car|encerrad[oa] en el (?:auto|coche|carro)"
        r"|(?:he|she|mum|mom|dad|my (?:mother|father|mum|mom|dad|gran\w*|grand\w+|son|daughter"
        r"|baby|toddler|child|husband|wife|neighbour)) (?:has )?(?:fell|fallen|had a (?:little )?"
        r"fall)|(?:me |se )?(?:di|dio|ha dado|he dado|golpe\w*) (?:en|con) la cabeza"
        r"|(?:se (?:ha )?caido|me (?:he )?cai(?:do)?) (?:en|por|de)|vomit(?:ing|os|ando|a)\b"
        r"|throwing up|being sick",
        negatable=True,
    ),
    Rule(HEALTH, r"wrong (?:medication|medicine|pills|tablets|dose|dosage|drug)"),
    Rule(
        HEALTH,
        r"(?<!fashion\s)(?<!wardrobe\s)(?<!style\s)(?<!hair\s)(?<!cake\s)emergency"
        r"|emergencia(?! de (?:armario|moda|estilo|vestuario|peluqueria))|(?<!de\s)urgencias",
        negatable=True,
    ),
    Rule(
        HEALTH,
        r"talking funny|slurr\w+|(?:mouth|face|side)(?: \w+)? (?:is )?droop\w*|drooping"
        r"|habla rar[oa]"
        r"|se le tuerce la boca|boca torcida|(?:pain|aches?|hurts?|ache) (?:in |down )?(?:his|her"
        r"|my) (?:left )?arm|(?:his|her|my) (?:left )?arm (?:aches|hurts)|le duele el brazo"
        r"|(?:grey|gray|pale) and sweaty|went (?:grey|gray)|se ha puesto (?:blanc[oa]|palid[oa]"
        r"|gris)|sorry for everything|lo siente por todo|can'?t go on|muddled|disorient\w*"
        r"|desorientad[oa]|(?:hasn'?t|has not|haven'?t|not) (?:been )?(?:given|had) (?:his|her"
        r"|their"
        r"|my) (?:medication|meds|insulin|tablets|water|food)|no le (?:han|ha) dado (?:la|su|el)"
        r" (?:medicacion|insulina|pastillas|agua|comida)|blister(?:ing|s)?|ampollas|(?:just.)?boil"
        r"(?:ed|ing) (?:water|tea|kettle)|agua hirviendo|(?:baby|bebe)(?: \w+){0,3} (?:barely"
        r"|hasn'?t|not|stopped|isn'?t) mov\w+|reduced (?:fetal |foetal )?movements?|(?:no|casi no)"
        r" noto al bebe|throat (?:feels )?(?:itchy|tight|closing|swollen)|encontrarse (?:fatal"
        r"|muy mal)|froth\w* at the mouth|echando espuma|espuma por la boca|drifting (?:out|away)"
        r"|swept (?:out|away)|se (?:esta )?alejando (?:mucho )?de la orilla|se (?:le|me"
        r"|nos) (?:ha )?"
        r"acab(?:o|ado) (?:la|el|las|los) (?:insulina|medicacion|pastillas|oxigeno|inhalador)"
        r"|(?:breathing|respira|respirando)(?: \w+){0,2} (?:fast|quickly|heavily|rapido)"
        r"|(?:cae|cayendo|sale|saliendo|entra|entrando) (?:mucha )?agua (?:por|del|de la|en)"
        r"|water (?:is )?(?:dripping|coming) (?:through|out of|from) the (?:ceiling|light|lights)"
        r"|spark(?:ed|ing)|silbido|(?:been|got|was) broken into",
        negatable=True,
    ),
    Rule(
        HEALTH,
        r"(?:lift|elevator|ascensor)(?: [\w()]+){0,6} (?:stopped|stuck|broke down|se ha parado"
        r"|parado|detenido|atascado)|(?:wrong|different|incorrect) (?:strength|dose|dosage|label"
        r"|concentration)|(?:dosis|concentracion) (?:equivocada|incorrecta|distinta)",
    ),
    # health or safety in plain words: symptoms and bodies, people and pets
    Rule(
        HEALTH,
        r"swell(?:ed|ing)? shut|(?:breathing|respira|respirando) (?:very |really |muy )?(?:slowly"
        r"|despacio)|(?:casi no|barely|not) (?:responde|responding)|(?:bead|button battery"
        r"|battery|magnet|coin|pila de boton|pila|iman|moneda|bolita)(?: \w+){0,3} (?:stuck )?"
        r"(?:up|in|en) (?:his|her|the|la|el|su) (?:nose|ear|nariz|oreja)|(?:one|1|last|a single)"
        r" dose left|me queda(?:n)? (?:una|1|la ultima) dosis|(?:can'?t|cannot|unable to) move"
        r"|sin poder moverse|no (?:se )?puede mover|riada|flood ?water|(?:plaster|ceiling|tiles?"
        r"|roof|wall|fence|railing|balcony|valla|techo|tejas?|pared|barandilla)(?: \w+){0,4}"
        r" (?:has |have )?(?:fallen|collapsed|come down|slid off|came off|se ha soltado"
        r"|se han soltado|se ha caido|se cayo|se han caido)|sin frenos|steam (?:from|coming out"
        r" of) the (?:bonnet|engine)|(?:stopped|stuck|broken down) (?:in a lay.?by|on the hard"
        r" shoulder)|en el arcen",
        negatable=True,
    ),
    Rule(
        HEALTH,
        r"(?:short|shortness) of breath|gasping|struggling to breathe|turning blue|(?:lips|tongue"
        r"|gums) (?:are |is |have gone |turned )?(?:blue|purple|grey|white)|wheezing badly"
        r"|(?:le|me) cuesta respirar|(?:no (?:puede|puedo)|dificultad para) respirar"
        r"|falta de aire|labios morados",
    ),
    Rule(
        HEALTH,
        r"passed out|fainted|fainting|blacked out|knocked (?:out|unconscious)|not waking up"
        r"|keeps? (?:collapsing|falling over|fainting)|(?:very |really |extremely )?lethargic"
        r"|limp and|desmay(?:ado|ada|o|a|os|e)|perdi(?:o|do) el conocimiento|inconsciente"
        r"|no reacciona|no se (?:puede )?(?:mueve|mover|levanta|levantar|despierta)",
    ),
    Rule(
        HEALTH,
        r"(?:keeps?|kept|been|is|was|started|won'?t stop|can'?t stop) (?:vomiting|throwing up"
        r"|being sick)|(?:vomiting|throwing up|being sick)"
        r" (?:all (?:night|day)|since|non.?stop|repeatedly|every)|(?:blood|bloody) (?:in (?:his"
        r"|her|its|my|the) )?(?:stool|poo|poop|urine|pee|wee|diarrh(?:o)?ea|vomit)"
        r"|can'?t stop (?:bleeding|vomiting|shaking|throwing up)|retching",
        negatable=True,
    ),
    Rule(
        HEALTH,
        r"no (?:para|deja) de (?:vomitar|sangrar|temblar|convulsionar|toser)|vomit(?:a|ando|o)"
        r"(?: \w+){0,2} (?:sangre|sin parar|toda la noche|desde|cada)|sangre en (?:las heces"
        r"|la orina|el vomito|la caca)|diarrea con sangre",
    ),
    Rule(
        HEALTH,
        r"(?:can'?t|cannot|won'?t|unable to|straining to|hasn'?t) (?:pee|wee|urinate|peed|weed"
        r"|urinated)|(?:stomach|belly|tummy|abdomen) (?:is |looks )?(?:bloated|swollen|distended"
        r"|hard as)|bloat(?:ed)?(?! (?:software|ware))|(?:won'?t|isn'?t|not|hasn'?t) (?:drink"
        r"|drinking|drunk)(?: \w+)? (?:since|for|anything|water)",
    ),
    Rule(
        HEALTH,
        r"(?:broke|broken|fractured|dislocated) (?:his|her|my|their|its) (?:leg|arm|wrist|ankle"
        r"|hip|bone|neck|back|jaw|pelvis|ribs?|paw|tail|nose)|hit (?:his|her|my|their|its) head"
        r"|head injury|concussion|fell (?:down|off|from)(?: \w+){0,4} (?:and|now) (?:can'?t"
        r"|won'?t|isn'?t|is bleeding|hit)|bitten by|snake ?bite|dog bite|(?:se ha |se )?(?:roto"
        r"|fracturado) (?:la |el |una |un )?(?:pierna|brazo|pata|cadera|muneca|tobillo|hueso)"
        r"|fractura|se ha (?:caido|golpeado) (?:y|en la cabeza)|golpe en la cabeza"
        r"|mordid[oa] por|mordedura|picadura",
    ),
    Rule(
        HEALTH,
        r"(?:chest|heart) (?:hurts|is (?:tight|hurting|racing|pounding)|tightness|pressure)"
        r"|pain in (?:my|his|her|their) chest|numb(?:ness)? (?:in|on|down) (?:my|his|her)"
        r"|face (?:is )?droop\w*|slurred speech|high temperature|temperature of \d+|burning up"
        r"|dolor (?:en el|de) pecho|infarto|ictus|derrame cerebral|(?:fiebre|temperatura)"
        r" (?:muy )?alta|mucha fiebre|\d+(?:[.,]\d)? (?:grados )?de fiebre|fiebre de \d+",
    ),
    Rule(
        HEALTH,
        r"(?:very|really|seriously|extremely|so|gravely|critically|badly) (?:ill|unwell|poorly"
        r"|injured|hurt|sick(?! of| and tired| to death))|screaming in pain|crying in pain"
        r"|hurts? (?:so (?:much|bad)|like hell|really bad)|can'?t (?:swallow|see|feel (?:my|his"
        r"|her) (?:legs|arms|face))|hives|overdos\w+|took too many|stuck in (?:the |a )?(?:lift"
        r"|elevator)|trapped (?:in|inside|under)",
        negatable=True,
    ),
    Rule(
        HEALTH,
        r"(?:muy|gravemente|grave) (?:enferm[oa]|herid[oa]|malherid[oa])|se (?:encuentra|siente)"
        r" (?:muy mal|fatal)|(?:reaccion|crisis) alergica|shock anafilactico|urticaria"
        r"|sobredosis|atrapad[oa] en el ascensor|encerrad[oa] en (?:el|un) ascensor"
        r"|(?:llora|grita|gime) de dolor|le duele (?:mucho|muchisimo)|muy dolorid[oa]",
        negatable=True,
    ),
    Rule(
        HEALTH,
        r"suicid\w*|kill (?:myself|himself|herself)|end (?:my|it) (?:life|all)|self.?harm"
        r"|want to die|hurt(?:ing)? (?:myself|himself|herself)|quitarme la vida|no quiero vivir"
        r"|hacerme dano|autolesion\w*",
    ),
    Rule(
        HEALTH,
        r"(?:is|are|looks?|seems?|feels?) (?:really |very |extremely |so )?(?:dangerous|unsafe)"
        r"|(?:don'?t|do not) feel safe|not safe|in danger|(?:safety|fire|health|electrical)"
        r" (?:hazard|risk)|threaten(?:ed|ing)? (?:to (?:kill|hurt|harm|beat)|me with|my life)"
        r"|death threats?|(?:he|she|they|someone|a man|a guy|the driver) (?:hit|attacked|assaulted"
        r"|punched|hurt|grabbed) (?:me|my|us)|en peligro|peligr\w+|me (?:ha|han)"
        r" (?:pegado|agredido|amenazado)|amenaz\w+ de muerte|agresion",
        negatable=True,
    ),
    Rule(
        HEALTH,
        r"caught fire|burst into flames|(?:is|are|was|started|keeps?|it'?s) (?:smoking|sparking"
        r"|melting|overheating)|melted|exploded|scorch(?:ed|ing)? marks?|overheating"
        r"|exposed wires?|live wires?|electrocut\w*"
        r"|(?:shock|shocks) from|scald(?:ed|ing)|burn(?:ed|t) (?:himself|herself|myself|his|her"
        r"|my)|olor a (?:quemado|humo)|huele a (?:gas|quemado|humo)|(?<!echo\s)(?<!echando\s)humo"
        r"|chispas"
        r"|descarga electrica|cables? (?:pelados?|al aire|sueltos?)|(?:se ha |se )?(?:incendiado"
        r"|quemado|quemo)|quemadura|fuego|(?:se ha |se )?(?:explotado|exploto|derretido)"
        r"|sobrecalent\w+",
        negatable=True,
    ),
    Rule(
        HEALTH,
        r"inund\w+|agua (?:esta )?(?:entrando|saliendo|cayendo) (?:en|por)|pierde (?:mucha )?agua"
        r"|(?:sale|entra|cae) (?:mucha )?agua"
        r" (?:por|del|de la|en)|fuga de agua|socorro|auxilio",
    ),
    Rule(
        HEALTH,
        r"(?:ran|run|running|am|i'?m|is|are) out of (?:my |his |her )?(?:insulin|medication"
        r"|medicine|meds|heart pills|inhaler|epi.?pen|oxygen)|without (?:my |his |her )?(?:insulin"
        r"|medication|meds|inhaler|epi.?pen|oxygen)|(?:insulin|epi.?pen|inhaler|oxygen"
        r"|medication|meds|prescription)(?: \w+){0,3} (?:hasn'?t|has not|didn'?t|did not|never"
        r"|still not|isn'?t|not) (?:arrived|come|been delivered|delivered|here|turned up)"
        r"|(?:me he quedado|me quede|se ha quedado|se quedo|estoy|esta) sin (?:insulina|medicacion"
        r"|medicamentos|medicinas|pastillas|inhalador|oxigeno)|(?:insulina|medicacion|receta"
        r"|inhalador|oxigeno)(?: \w+){0,3} no (?:ha llegado|llega|me ha llegado)",
    ),
    Rule(
        HEALTH,
        r"(?:medicacion|medicamento|medicina|pastillas|dosis) (?:equivocad[oa]|incorrect[oa]"
        r"|erronea)|no (?:come|bebe|ha comido|ha bebido|quiere comer)(?: nada)?"
        r" (?:desde|en (?:dos|tres|\d+) dias)|(?:se ha |se )?tragado (?:un|una|algo|unas?)",
    ),
    # money being taken, or an account someone else is using
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
        r"(?:didn'?t|did not|never) (?:make|authori[sz]e|authori[sz]ed|order|place|placed|request"
        r"|approve|approved|sign up for|agree to)"
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
        negatable=True,
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
    Rule(
        MONEY,
        r"(?:charges?|payments?|transactions?|debits?|withdrawals?|transfers?|purchases?|orders?)"
        r"(?: [\w.,$€£-]+){0,6} (?:i|we) (?:don'?t|do not|didn'?t|did not|never|can'?t|cannot)"
        r" (?:recogni[sz]e|know|make|made|authori[sz]e|authori[sz]ed|place|placed|order|ordered)"
        r"|(?:don'?t|do not|can'?t|cannot) recogni[sz]e (?:this |these |that |those |the |a |an "
        r"|any |some )?(?:\w+ )?(?:charges?|payments?|transactions?|debits?|withdrawals?|purchases?"
        r"|transfers?)|unrecogni[sz]ed|unknown (?:charges?|payments?|transactions?|debits?"
        r"|withdrawals?)|(?:strange|suspicious|odd|weird|random|fraudulent) (?:charges?|payments?"
        r"|transactions?|debits?|withdrawals?|activity|logins?|sign.?ins?|purchases?|transfers?)",
        negatable=True,
    ),
    Rule(
        MONEY,
        r"(?:charges?|payments?|purchases?|transactions?|withdrawals?|transfers?|orders?)(?: \w+)"
        r"{0,6} (?:wasn'?t|was not|weren'?t|were not|not) (?:me|us|mine|ours|made by me)",
    ),
    Rule(
        MONEY,
        r"(?:money|funds|savings|cash|[£$€]? ?\d[\d,.]*(?: ?(?:euros?|pounds|dollars|quid|eur|gbp"
        r"|usd))?) (?:has been |was |were |is being |are being |keeps? being |got |just )?(?:taken"
        r"|withdrawn|debited|stolen|deducted|moved|transferred) (?:from|out of) (?:\w+ )?"
        r"(?:account|card|bank|wallet|balance|savings|paypal)|(?:money|funds|savings|cash)"
        r" (?:has been |was |were |is being |got )?(?:taken|withdrawn|debited|stolen|deducted)"
        r" without|(?:taking|took|stealing|stole|withdrew"
        r"|withdrawing|deducting) (?:money|funds|payments?) (?:from|out of)"
        r"|(?:emptied|drained|wiped out|cleaned out) (?:my |our )?(?:account|savings|balance)"
        r"|(?:all )?my money (?:is |has )?(?:gone|vanished|missing|disappeared)",
        negatable=True,
    ),
    Rule(
        MONEY,
        r"(?:keeps?|kept|keep on|still|continue to|continuing to|continues to) (?:charging|billing"
        r"|debiting|taking (?:money|payments?)|being charged)|(?:charged|billed|debited) (?:me |us"
        r" )?again|(?:charged|billed|debited|took (?:money|payment))(?: \w+){0,4} (?:after|since)"
        r" (?:i |we )?(?:cancell?ed|cancell?ing|closing|closed)",
        negatable=True,
    ),
    Rule(
        MONEY,
        r"(?:been|got|was|were|i'?ve been) scammed|victim of (?:a |an )?(?:scam|fraud|theft)"
        r"|(?:card|account|wallet|phone) (?:was |has been |got |were )?(?:stolen|cloned|skimmed)"
        r"|stolen (?:card|wallet|phone|identity)|lost my (?:card|wallet|bank card|debit card"
        r"|credit card)|(?:password reset|reset|login|verification|security) (?:code|email|link"
        r"|text)s? (?:i|we) (?:didn'?t|did not|never) (?:request|ask|asked|requested)"
        r"|(?:someone|somebody) (?:is |has been |keeps )?(?:tried|trying) to (?:log|access"
        r"|use my|get into|reset my|withdraw)|changed my (?:password|email|details)"
        r" without|(?:sent|transferred|paid) (?:the )?(?:money|payment|deposit|it) to (?:the wrong"
        r"|a wrong|a fake|a scam|the scam|a fraudulent)",
    ),
    Rule(
        MONEY,
        r"no reconozco(?: \w+){0,3} (?:cargos?|cobros?|pagos?|compras?|movimientos?|transferencias?"
        r"|retiros?|adeudos?|recibos?|domiciliaci\w+|operaci\w+|transacci\w+)|(?:cargos?|cobros?"
        r"|pagos?|compras?|movimientos?|transferencias?|retiros?|adeudos?|recibos?|operaci\w+"
        r"|transacci\w+)(?: [\w.,$€-]+){0,6} que no (?:reconozco|reconocemos|he hecho|hice"
        r"|hicimos|autorice|autorizamos|realice|he realizado|he autorizado|es mi[oa])"
        r"|(?:cargos?|cobros?|movimientos?|compras?|pagos?|transacci\w+|operaci\w+)"
        r" (?:raros?|raras?|extran[oa]s?|sospechos[oa]s?|desconocid[oa]s?|indebid[oa]s?"
        r"|fraudulent[oa]s?|no autorizad[oa]s?|no reconocid[oa]s?)",
        negatable=True,
    ),
    Rule(
        MONEY,
        r"no (?:he|hemos) (?:hecho|realizado|autorizado|pedido|comprado)(?: \w+){0,2} (?:esta|este"
        r"|esa|ese|estos|estas|esos|esas|ningun|ninguna|nada)|(?:yo )?no (?:fui|he sido) yo"
        r"|sin (?:mi |nuestro )?(?:permiso|autorizacion|consentimiento)",
    ),
    Rule(
        MONEY,
        r"me (?:han|estan|siguen|vuelven a|volvieron a|han vuelto a) (?:cobrado|cobrando|cobrar"
        r"|cargado|cargando|cargar|descontado|descontando|descontar|quitado|quitando|quitar"
        r"|sacado|sacando|sacar|robado|robando|robar)(?: [\w.,$€-]+){0,4} (?:dos veces|tres veces"
        r"|otra vez|de nuevo|de mas|doble|sin (?:mi )?(?:permiso|autorizacion|consentimiento)"
        r"|todos los meses|cada mes|dinero|de la cuenta|de mi cuenta|de la tarjeta)"
        r"|(?:siguen|siguen) cobrandome|me (?:siguen|siguen) cobrando|me (?:vuelven|volvieron"
        r"|han vuelto) a cobrar|(?:me )?(?:han|estan) vaciado (?:la|mi) cuenta|me vaciaron",
        negatable=True,
    ),
    Rule(
        MONEY,
        r"(?:me han|me) (?:estafado|estafaron)|(?:he|hemos) sido estafad[oa]s?"
        r"|(?:me )?(?:robaron|han robado) (?:mi |la |el |los )?(?:tarjeta|cuenta|dinero|cartera"
        r"|datos|movil|identidad)|tarjeta (?:clonada|robada)|(?:clonaron|han clonado) (?:mi |la )?"
        r"tarjeta|(?:he perdido|perdi) (?:mi |la )?(?:tarjeta|cartera)|(?:alguien|otra persona"
        r"|un desconocido|alguien mas) (?:ha |esta |estan |han )?(?:usado|usando|entrado|entro"
        r"|accedido|accedio|comprado|compro|sacado|saco|retirado|cambiado|cambio|utilizado"
        r"|utilizando|intentado|intenta|intento)|(?:cuenta|correo|tarjeta) (?:hackead[oa]"
        r"|comprometid[oa]|pirate\w+)|(?:me han|han) (?:hackeado|pirateado)",
    ),
    Rule(
        MONEY,
        r"(?:dinero|saldo) (?:ha )?(?:desaparecido|desaparecio|volado)|(?:me )?falta dinero"
        r"|desaparecio (?:el|mi) dinero|transferencia(?: \w+){0,3} no (?:ha llegado|llega|aparece)"
        r"|(?:cobrado|cobraron|cobran|pague|pagado|pagamos|he pagado)(?: [\w.,$€-]+){0,4},?"
        r" (?:y|pero) (?:el pedido |la reserva |la entrada |el billete )?(?:no|nunca|sigue sin)"
        r" (?:me )?(?:ha )?(?:llegado|llega|tengo|aparece|recibi|he recibido|esta)",
    ),
    Rule(
        MONEY,
        r"(?:has |have |ha |han )?(?:used|usado) my (?:card|credit card|bank card|account details)"
        r"|(?:ha |han )?usado mi tarjeta|(?:stop|block) any more (?:going through|payments"
        r"|purchases"
        r"|charges)|siguen entrando|ransomware|(?:files|archivos)(?: \w+){0,2} (?:are |have been "
        r"|estan )?(?:encrypted"
        r"|cifrados|encriptados)|(?:pay|pague|pagar) (?:\w+ )?(?:in |en )?bitcoins?"
        r"|scammers?|timo|timad[oa]s?|estafador\w*|(?:pretending|claiming|purporting) to be"
        r" (?:from )?(?:the |your |my )?bank|haciendose pasar por|vishing|smishing"
        r"|(?:block|freeze|stop) (?:my|the) (?:card|cards|bank card)|bloque(?:en|ar|ad|e|ame)"
        r" (?:la |mi |el )?(?:tarjeta|plastico|todo)",
        negatable=True,
    ),
    Rule(
        MONEY,
        r"(?:compras?|cargos?|cobros?|pagos?|movimientos?|transferencias?|cobrando|cobrado|cargado"
        r"|cargando|cargaron|cobraron|recibos?)(?: [\w.,$€-]+){0,14} que no (?:reconozco"
        r"|reconocemos|conozco|conocemos|he (?:hecho|reservado|autorizado|pedido)|ha reservado"
        r"|hemos hecho)|(?:payee|account|company|supplier|merchant|shop|proveedor|beneficiario"
        r"|tienda|empresa)(?: \w+){0,3} (?:(?:we|i|she|he|they) (?:have )?(?:never used|don'?t"
        r" know|doesn'?t know|do not know|does not know|never heard of)|que no (?:conocemos"
        r"|conozco|conoce))|(?:made|booked|ordered|bought) none of (?:them|these|those)"
        r"|no (?:las|los|la|lo) (?:ha|he|hemos) (?:reservado|hecho|comprado|pedido)",
    ),
    Rule(
        MONEY,
        r"(?:someone|somebody|alguien)(?:'s| has| is|'s been| has been)? (?:taken|withdrawn|sent"
        r"|moved|spent|got into|gotten into|broken into|been using|get into)|(?:taken|withdrawn"
        r"|sent|gone)(?: [\w£$€.,]+){0,3} (?:out of|from) (?:my|our|her|his) (?:\w+ )?account"
        r"|money'?s gone|money has gone|dinero (?:ha )?(?:salido|desaparecido)|(?:direct debit"
        r"|debit|payment|subscription|recibo|cuota)(?: \w+){0,4} (?:i|we) (?:cancell?ed)"
        r"(?: \w+){0,4} (?:has been |was |is being |keeps being )?(?:taken|charged|collected)"
        r"|(?:dejad|dejen|deja|dejar) de cobrar(?:me|nos)?|stop taking (?:it|money|payments?)"
        r"|(?:sigue|siguen|siguen|me siguen) pasando (?:el |los )?recibos?"
        r"|(?:cobrado|cobraron|paid|taken|charged)(?: \w+){0,6} (?:sale|aparece|shows?|says?)"
        r" (?:como |as )?(?:no pagad[oa]|unpaid|not paid|impagad[oa])",
    ),
    # losing access: locked out, a service down, no power/water/internet, can't work
    Rule(
        OUTAGE,
        r"(?:site|website|app|system|server|service|platform|portal|api|checkout|dashboard|shop"
        r"|store|till|terminal|card reader|payments?|network|calendar|integration)"
        r" (?:is |are |has |have |has been |went |goes |seems )?(?:completely |still |totally )?"
        r"(?:down|offline|not loading|unavailable|stopped working|stopped|disappeared|dead"
        r"|broken)",
    ),
    Rule(
        OUTAGE,
        r"down for (?:everyone|all of us|hours)|is [@\w.]+ down(?:\?| for| again| right now"
        r"| at the moment)|outage",
    ),
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
    Rule(
        OUTAGE,
        r"(?:production|line|factory|plant|machine)(?: \w+){1,3} (?:is |has )?(?:stopped|halted"
        r"|down)|(?:staff|operarios|trabajadores|people|workers|drivers|engineers)(?: \w+)?"
        r" (?:standing |sitting )?(?:idle|parados|sin trabajar)|se nos ha parado (?:la|el)"
        r" (?:linea|produccion|maquina|fabrica)|(?:linea|produccion|fabrica)(?: \w+){0,3}"
        r" (?:parad[oa]|se ha parado)|(?:can|we) only take cash|locked (?:me|us|him|her) out"
        r"|(?:leaves|departs|boards?|ship|ships|sale|salen) (?:\w+ ){0,3}(?:at|a las)"
        r" \d{1,2}(?::\d\d|h| ?am| ?pm)?\b",
    ),
    Rule(OUTAGE, r"\bis blocked\b|nothing works|returns? 5\d\d|error 5\d\d|5\d\d error"),
    Rule(
        OUTAGE,
        r"no (?:puedo|podemos) (?:entrar|acceder|trabajar|vender|cobrar|facturar|iniciar sesion)"
        r"|no funciona nada|(?:esta|se ha) caid[oa]|fuera de servicio",
    ),
    Rule(
        OUTAGE,
        r"(?:account|profile|login|user|access|card) (?:has been |was |got |is |are |have been )?"
        r"(?:locked|blocked|suspended|disabled|frozen|deactivated|banned|closed without)"
        r"|(?:locked|shut|kicked|logged) (?:me )?out of|lost access|no access to (?:my|our|the)"
        r"|(?:won'?t|doesn'?t|does not|will not|wont) let (?:me|us) (?:log ?in|sign ?in|in|access"
        r"|pay|use|withdraw|transfer|through|into)|can'?t get (?:in|into|access)(?! touch)",
        negatable=True,
    ),
    Rule(
        OUTAGE,
        r"(?:password|login|2fa|two.?factor|verification|security|one.?time|sms) (?:code"
        r"|link|email|text|sms)s? (?:isn'?t|is not|aren'?t|are not|not|never|doesn'?t|don'?t"
        r"|won'?t|hasn'?t|haven'?t|still not|keeps? not) (?:arriving|coming|working|arrive|come"
        r"|work|arrived|came|being sent)|(?:not|never) (?:receiving|getting|received|got) (?:the |a"
        r" |any )?(?:verification |login |security |2fa |sms |text )?codes?",
    ),
    Rule(
        OUTAGE,
        r"no (?:power|electricity|water|running water|heating|heat|gas supply"
        r"|internet|wifi|wi-fi|broadband|connection|connectivity|signal|phone line|dial tone"
        r"|landline|phone service|mobile service|service at all)(?! (?:bill|meter|damage|proof"
        r"|resist\w*|needed|required|charges?|fee|issues? with))|power cut|power outage|blackout"
        r"|(?:power|electricity|internet|wifi|wi-fi|broadband|phone line|landline|water|gas"
        r"|heating|connection|signal|line|network) (?:is |has been |went |has gone |keeps? going"
        r" |keeps? )?(?:out|cut off|disconnected|dead|dropping|cutting out|not working"
        r"|isn'?t working|down)",
        negatable=True,
    ),
    Rule(
        OUTAGE,
        CANT + r" (?:work|do (?:my|any|our) (?:job|work)|withdraw|pay (?:my|our|for|anything|rent"
        r"|bills)|transfer|use (?:my|our|the) (?:account|card|car|van|system|computer"
        r"|laptop|machine)|make (?:any )?(?:calls|payments)|(?:get|receive|send) (?:any )?"
        r"(?:emails|calls|orders|payments)|open (?:the )?(?:shop|store|office|clinic|restaurant"
        r"|doors?))|(?:not|isn'?t|aren'?t|no longer) (?:receiving|getting) (?:any )?(?:calls"
        r"|orders|payments)|(?:whole|entire) (?:team|office|company|shop|store|business)"
        r" (?:is |are )?(?:down|offline|stuck|blocked|unable)",
    ),
    Rule(
        OUTAGE,
        r"(?:door|lock|smart lock|gate|garage door|key ?card) (?:won'?t|doesn'?t|will not|does not"
        r"|wont) (?:open|unlock|lock)|car (?:won'?t start|has broken down|broke down)|broken down"
        r" on (?:the )?(?:motorway|highway|road|freeway)|stranded|(?:card|terminal|till|pos"
        r"|card reader|payment system|website|site|system|server) (?:is |are )?(?:not working"
        r"|isn'?t working|won'?t work|doesn'?t work|not accepting|rejecting (?:all|every))",
    ),
    Rule(
        OUTAGE,
        r"no (?:puedo|podemos|consigo|conseguimos|logro|me deja|nos deja|me dejan|nos dejan)"
        r" (?:entrar|acceder|ingresar|loguear(?:me|nos)?|logear(?:me)?|iniciar sesion|conectar"
        r"(?:me|nos)?|trabajar|pagar|cobrar|vender|facturar|abrir|atender|operar|despachar"
        r"|sacar (?:dinero|efectivo)|retirar|transferir|usar (?:la|mi|el|nuestra) (?:tarjeta"
        r"|cuenta|app|aplicacion|sistema|coche|telefono|movil))",
    ),
    Rule(
        OUTAGE,
        r"(?:me |nos )?(?:han |ha )?(?:bloqueado|bloquearon|suspendido|suspendieron|cerrado"
        r"|cerraron|desactivado|desactivaron|congelado|congelaron) (?:la |mi |el |nuestra )?"
        r"(?:cuenta|tarjeta|acceso|usuario|perfil|linea)|(?:cuenta|tarjeta|usuario|acceso|perfil"
        r"|linea) (?:esta |ha sido |fue |aparece )?(?:bloquead[oa]|suspendid[oa]|desactivad[oa]"
        r"|congelad[oa]|cancelad[oa] sin)|(?:estoy|estamos) (?:bloquead[oa]s?|sin acceso)"
        r"|sin acceso (?:a|al)|(?:me he|nos hemos) quedado (?:fuera|sin acceso)",
        negatable=True,
    ),
    Rule(
        OUTAGE,
        r"(?:(?<!agua\s)sin|no (?:tengo|tenemos|hay)) (?:luz|electricidad|corriente"
        r"|agua(?! caliente)|internet|conexion|red|linea|senal|cobertura|gas|calefaccion|wifi"
        r"|servicio|telefono)|se (?:ha |nos ha |me ha )?(?:ido|fue|cortado|corto|caido|cayo)"
        r" (?:la luz|el agua|internet|el internet|la conexion|el gas|la corriente|la red"
        r"|la linea|el wifi|el sistema|la web|la pagina)|apagon|corte de"
        r" (?:luz|agua|internet|suministro|linea|corriente)",
        negatable=True,
    ),
    Rule(
        OUTAGE,
        r"(?:la luz|internet|el internet|la conexion|el wifi|la red|la linea|el telefono"
        r"|el servicio|la web|la pagina|la pagina web|la app|la aplicacion|el sistema|la plataforma"
        r"|el datafono|el tpv|la terminal|el portal|el servidor|la tienda online)"
        r" (?:no (?:funciona|va|carga|anda|sirve|responde|abre|conecta)|(?:esta|sigue) caid[oa]"
        r"|se (?:ha )?(?:caido|cayo)|esta fuera de servicio)|(?:el )?(?:codigo|sms|correo"
        r" de verificacion)(?: de \w+)? no (?:me )?(?:llega|ha llegado)"
        r"|no (?:me )?llega (?:el|ningun) (?:codigo|sms)|(?:contrasena|clave|pin)"
        r" (?:no (?:funciona|vale|sirve)|incorrect[ao])",
    ),
    Rule(
        OUTAGE,
        r"perdiendo (?:dinero|ventas|clientes|pedidos)|(?:el negocio|la tienda|todo|la produccion"
        r"|la linea|la fabrica|la oficina|el restaurante|la clinica) (?:esta |se ha |se quedo"
        r" |se ha quedado )?parad[oa]|(?:el )?coche (?:no arranca|se ha averiado|se averio)"
        r"|me he quedado tirad[oa]|(?:la puerta|la cerradura) no (?:abre|se abre)",
    ),
    Rule(
        OUTAGE,
        r"none of (?:us|our|the|my) (?:\w+ ){0,3}(?:can|could|is able to|are able to) (?:log ?in"
        r"|login|sign ?in|access|work|open|get in)|card machine|(?:every|all) (?:payment|card"
        r"|transaction|order)s? (?:\w+ )?(?:fail|fails|failing|declined|rejected)|(?:fails?"
        r"|declined|rejected) (?:on )?(?:every|all) (?:payments?|cards?|transactions?)"
        r"|orders? (?:just )?fail|no cobra (?:ninguna )?tarjetas?|solo (?:puedo|podemos) cobrar"
        r"|losing (?:customers|hundreds|thousands|business|[£$€]?\d+)|(?:zero|no) (?:orders|sales"
        r"|bookings)(?: \w+){0,2} since|ni un (?:pedido|cliente|venta)|sales (?:have )?(?:gone"
        r"|dropped) to (?:zero|nothing)|ventas a cero",
    ),
    Rule(
        OUTAGE,
        r"(?:tarjeta|app|aplicacion|web|pagina|sistema|plataforma|pasarela|datafono|tpv|terminal"
        r"|servidor|programa|software|router|wifi|internet|linea|telefono|portal|llave|mando"
        r"|ordenador)(?: [\w-]+){0,5} (?:ha dejado de funcionar|dejo de funcionar|(?:lleva|esta"
        r"|llevan|estan)(?: \w+){0,3} sin funcionar)|(?:me ha|me han|nos ha|nos han) echado"
        r"|(?:cuenta|usuario) no existe|account (?:doesn'?t|does not|no longer) exists?"
        r"|kicked me out|(?:cortado|cortaron|quitado|bloqueado) el acceso|cut off (?:our|my)"
        r" access|suspended (?:our|my) (?:account|access|service)|(?:me|nos) (?:han |ha )?"
        r"(?:cortado|cortaron|quitado) (?:la luz|el agua|el gas|internet|la linea|el servicio"
        r"|la corriente|el acceso)|(?:cut|cut off|disconnected|shut off) (?:my|our|the) (?:power"
        r"|electricity|water|gas|internet|supply|line|access)|(?:deleted|wiped|borrad[oa]s?)"
        r" (?:all|every|todas|todos)|(?:all|every) (?:\w+ ){0,3}(?:deleted|wiped)"
        r"|(?:ha|han) borrado (?:todas|todos) (?:las|los) (?:citas|pedidos|reservas|datos|clientes"
        r"|facturas|archivos|historiales)|(?:power|electricity|internet|wifi"
        r"|broadband|heating|water)(?:'s been| has been| is| went| is still) off",
    ),
    Rule(
        OUTAGE,
        r"can'?t ring (?:anything|anyone|sales|customers) up|went blank|(?:power|electricity|water"
        r"|gas|internet|supply) (?:was|were|got) (?:cut off|disconnected|switched off|turned off)"
        r"|(?:freezer|fridge|chiller|cold room|camara frigorifica|nevera|congelador|frigorifico)"
        r"(?: [\w°-]+){0,6} (?:reading|marca|at) -?\d+ ?(?:°c?|grados|degrees|c)|(?:freezer|fridge"
        r"|chiller|cold room|camara frigorifica|nevera|congelador|frigorifico) (?:has )?(?:stopped"
        r"|isn'?t|not|no) (?:cooling|working|enfria|funciona)|board(?:ing)? (?:at|in) \d",
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
        r"|(?<!envio\s)(?<!entrega\s)urgente|urjente|urgentemente|con urgencia|es para (?:ya|hoy"
        r"|ahora)|lo necesito (?:ya|hoy"
        r"|ahora|para hoy)|inmediatamente|enseguida|cuanto antes|lo antes posible|de inmediato"
        r"|ya mismo",
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
    r"today|tonight|this (?:afternoon|evening)|tomorrow|end of (?:the )?day|eod|midnight"
    r"|medianoche|in (?:\d+|an?|one|two|three|four|five|ten|twenty|thirty) (?:hours?|minutes"
    r"|mins)|en (?:\d+|una|dos|tres|media) (?:horas?|minutos)|en hora y media"
    r"|at \d{1,2}(?::\d\d)? ?(?:am|pm)|by (?:"
    + WEEKDAY
    + r"|noon|midday|\d{1,2}(?::\d\d)? ?(?:am|pm)?)|before (?:"
    + WEEKDAY
    + r"|the weekend|then|i leave|we leave)"
    r"|hoy(?: mismo)?|esta (?:tarde|noche)|(?<!esta\s)(?<!la\s)manana"
    r"|antes del? (?:lunes|martes|miercoles|jueves|viernes|sabado|domingo|fin de semana)"
    r"|within (?:the|an|one|two|\d+) hours?|dentro de (?:una|dos|tres|\d+) horas?"
    r"|(?:antes de|para) las \d+"
)
DEADLINE_NEED = (
    r"need|needs|must|have to|has to|had better|deadline|due|before|until|latest|in time|ready"
    r"|expires?|expiring|closes|cut.?off (?:time|date|is)"
    r"|leave|leaving|flight|flying|airport|travel|wedding|funeral|concert|recital|exam|interview"
    r"|surgery|event|possible|asap|urgent|necesito|necesitamos|tengo que|tenemos que|para (?:hoy"
    r"|manana)|antes|concierto|viaje|boda|urge|hace falta"
    r"|debo|debe|tiene que|vence|plazo|cierra|fecha limite|examen|entrevista|cirugia|operacion"
    r"|vuelo|aeropuerto|salgo|salimos|me voy|nos vamos|hasn'?t (?:arrived|come|been)"
    r"|haven'?t (?:arrived|come|been)|not (?:arrived|here|delivered)|still (?:no|not|haven'?t"
    r"|hasn'?t)|no (?:ha|han) llegado|todavia no|aun no|cancell?ed|cancelad[oa]|won'?t start"
    r"|no arranca|party|fiesta|cumple\w*|show|tickets?|entradas|billete|check.?in|consulate"
    r"|consulado|visa|visado|oposicion|juicio|court|hearing|movers|mudanza|ferry|board\w*"
    r"|school trip|conference|congreso|entierro|ceremony|ceremonia|comunion|bautizo|engagement"
    r"|filed|payroll|nomina|left|queda|quedan|enough for|caduca|caducan"
)

# A deadline is a safety kind only when it falls within a day: its words name no later day.
DEADLINE_LATER = (
    r"(?:mon|tues|wednes|thurs|fri|satur|sun)day|weekend|next|lunes|martes|miercoles|jueves"
    r"|viernes|sabado|domingo|fin de semana|proxim[oa]|que viene"
)

# The customer cancels or moves what falls within a day: "cancel my 3pm appointment tomorrow".
DEADLINE_MOVED = (
    r"(?:need|want|would like|like|have|has) to (?:cancel|reschedule|postpone|move|change)"
    r"|(?:please |can (?:i|you|we) |could (?:i|you|we) )(?:cancel|reschedule|postpone|move"
    r"|change)|cancel(?:l?ing)? my|reschedul\w+|(?:quiero|necesito|quisiera|queria|puedo|podeis"
    r"|podemos|pueden|podrian) (?:anular|cancelar|cambiar|aplazar|mover)"
)

# A problem told as over or long past is no emergency now: "he was bleeding but he's fine now",
# "my card was hacked last year". `SETTLED` is looked for after an urgent match in its sentence
# and in the next sentence, `LONG_AGO` in its sentence; `STILL_NOW` in the match's sentence keeps
# it ("it was fixed last month, but it's bleeding again").
SETTLED = (
    r"(?:(?:he|she|it|they|we|i)(?:'s|'re|'m)|is|are|was|seems?|feels?|looks?|doing) (?:now )?"
    r"(?:fine|ok|okay|better|all good|well|great|much better) now|(?:is|are|'s|'re) now"
    r" (?:fine|ok|okay|better|all good|sorted|resolved|fixed|working|back)"
    r"|(?:has|have|had|got|was|were|been) (?:now )?(?:been )?"
    r"(?:resolved|sorted(?: out)?|fixed|refunded|reversed|recovered|restored|unblocked"
    r"|unlocked|put right)|(?<!n't\s)(?<!not\s)(?<!never\s)stopped(?! \w+ing)"
    r"|all sorted"
    r"|fully recovered|false alarm|back to (?:normal|(?:his|her"
    r"|their|its|my|our) (?:old|usual|normal) self)|(?:you|the vet|the doctor|your team|your"
    r" staff) (?:saved|fixed|sorted)|thanks to you"
    r"|ya (?:esta|estan|estamos|estoy) (?:bien|resuelto|solucionado|arreglado|mejor)"
    r"|se (?:ha |han )?(?:solucionado|resuelto|arreglado|recuperado)|(?:me|nos) (?:lo |la )?"
    r"(?:han )?devuelto|(?:fue|esta) (?:resuelto|solucionado)|gracias a (?:ustedes|vosotros"
    r"|vosotras|usted|ti)|falsa alarma|(?:has|have|had) (?:now )?(?:gone|cleared|passed|healed"
    r"|settled)(?: down| up| away)?|(?:it )?was (?:just )?my (?:husband|wife|son|daughter|partner)"
    r"|era (?:de )?mi (?:marido|mujer|hijo|hija|pareja|esposo|esposa)|(?:didn'?t|did not"
    r"|haven'?t|have not|no he|no hemos) (?:click\w*|pinchado|pulsado|abierto|respond\w*"
    r"|contestado|tocado)"
)

# "Call me today" is a request for a call, not a deadline.
CALL_ME_WHEN = (
    r"(?:call|ring|phone|contact|reply to|get back to|hear from you) (?:me"
    r"|us)?(?: back)?(?: \w+)? ?$"
    r"|(?:llame|llamen|llameis|llamadme|llamenme|contacte|contacten|respondan?)(?: \w+)? ?$"
)

# Said anywhere in the message, these take back the alarm: "sorry, false alarm, it was the toast",
# "charged twice but it was my own fault".
TAKEN_BACK = (
    r"false alarm|falsa alarma|never ?mind|ignore my (?:last|previous|earlier) (?:message|email)"
    r"|ignorad mi (?:ultimo|anterior) (?:mensaje|correo)|todo (?:bien|ok|en orden)|all good now"
    r"|(?:my|our) own (?:fault|mistake|doing)|(?:fue )?culpa mia|(?:fue )?(?:un )?error mio"
    r"|i clicked (?:pay )?(?:twice|again)|le di dos veces"  # a double charge of one's own making
)

# Mild words before a symptom: "a mild allergic reaction", "una ligera hinchazón".
MILD = r"(?:mild|slight|slightly|minor|a bit of|a little|leve|ligera|ligero|un poco de)(?: \w+)?$"
LONG_AGO = (
    r"last (?:week|month|year|summer|winter|spring|autumn|christmas)|(?:a few|a couple of|two"
    r"|three|four|five|several|some|\d+) (?:weeks|months|years) ago|(?:a|one) (?:week|month"
    r"|year) ago|back in (?:19|20)\d\d|(?:el|del) (?:ano|mes|verano|invierno) pasado"
    r"|(?:de )?la semana pasada|in (?:january|february|march|april|may|june|july|august"
    r"|september|october|november|december)"
    r"|hace (?:unos |unas |un |una |dos |tres |varios |varias |\d+ )?(?:semanas|meses|anos"
    r"|semana|mes|ano)"
)
STILL_NOW = (
    r"still|again|right now|at the moment|currently|keeps?|since|ongoing|every (?:day|time)"
    r"|todavia|aun|sigue|siguen|otra vez|de nuevo|ahora mismo|desde|cada vez"
)

# The customer says there is no hurry: weak urgent rules are dropped and priority may go low.
CALM: tuple[str, ...] = (
    r"no rush|no hurry|not (?:urgent|an emergency|in a hurry|a priority)|isn'?t urgent"
    r"|nothing urgent|there'?s (?:no|still) (?:rush|hurry|time)|there is (?:still )?time"
    r"|plenty of time|whenever (?:you (?:get a chance|can|have (?:a )?(?:moment|time))|suits)"
    r"|when you (?:have|get) a (?:moment|chance|minute)|at your convenience|no worries"
    r"|no es urgente|sin prisa|cuando (?:puedan|podais|tengan (?:un )?(?:hueco|tiempo))",
    r"no urgency|not time.?critical|not in a (?:rush|hurry)|in your own time|low priority"
    r"|whenever is (?:convenient|easiest)|non.?urgent|no big deal|(?:no|sin) (?:ninguna )?prisa"
    r"|no corre prisa|no hay (?:prisa|apuro)|no tengo (?:prisa|apuro)|sin apuro|con calma"
    r"|no es nada urgente|cuando (?:puedas|pueda|tengais|tengas|tenga) (?:un )?(?:momento"
    r"|tiempo|hueco|rato)",
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
        r"enfadad[oa]|furios[oa]|indignad[oa]|indignante|inaceptable|verguenza|pesim[oa]"
        r"|(?:es|esto es|servicio|atencion|trato|muy|todo) fatal|fatal (?:servicio|atencion|trato)"
        r"|ridicul[oa]|una burla|una estafa|estafad[oa]|nunca mas|horrible|de risa",
        negatable=True,
    ),
    Rule(
        FRUSTRATION,
        r"fed up|sick (?:and tired )?of|tired of|had enough|enough is enough|frustrat\w+|annoy\w+"
        r"|i'?m done|driving me (?:mad|crazy|nuts)|are you (?:kidding|serious|joking)"
        r"|kidding me|unbelievable|can'?t believe(?! how (?:good|great|fast|quick|easy|kind|lucky"
        r"|helpful|lovely|nice))|so hard to|how hard (?:is|can) it|you people"
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
        r"|me responde|me atiende|atiende|me llama|me hace caso|ha contestado|ha respondido"
        r"|me ha (?:contestado|respondido|llamado|dicho nada)|has got back)",
    ),
    Rule(
        FRUSTRATION,
        r"(?:zero|no) (?:answers?|replies|reply|response|responses)(?! needed)|sin respuesta"
        r"|never (?:heard back|got (?:an? )?(?:answer|reply))",
    ),
    Rule(
        REPEATED,
        r"(?:the )?(?:" + LATE_ORDINAL + r") (?:time|email|message|mail|call|attempt|text|chat"
        r"|request|person)|(?:tercer|cuarto|quinto) (?:mensaje|correo|email|intento|chat)"
        r"|(?:tercera|cuarta|quinta) (?:llamada|persona|solicitud)"
        r"|(?:tercera|cuarta|quinta|sexta|enesima) vez|for the " + LATE_ORDINAL + r" time"
        r"|(?:ya )?(?:van|son|llevo) (?:tres|cuatro|cinco|seis|varias|muchas|\d+) (?:veces|llamadas"
        r"|correos|reclamaciones)",
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
    # in plain words: what people say when they are angry, worn out or afraid
    Rule(
        ANGER,
        r"irate|infuriat\w+|exasperat\w+|sick to death|beyond (?:angry|frustrated|annoyed|a joke)"
        r"|last straw|waste of (?:my )?(?:time|money)|shocking|shambles|cowboys|no excuse"
        r"|not good enough|(?:poor|bad|lousy|appalling|rubbish|dreadful) (?:service|customer"
        r" service|support)|rude|lied to|lying to (?:me|us|customers)|misled|mislead(?:ing)?"
        r"|disrespect\w*|fobbed off|run.?around|let down|(?:would|will|could)(?:n'?t| not| never)"
        r" recommend|legal action|(?:my|a) (?:lawyer|solicitor|attorney)|sue (?:you|them)"
        r"|small claims|trading standards|ombudsman|report (?:you|this) to|formal complaint"
        r"|(?:file|lodge|make|raise) a (?:formal )?complaint|(?:bad|negative|1.star|one.star)"
        r" review",
        negatable=True,
    ),
    Rule(ANGER, r"[\U0001F620\U0001F621\U0001F624\U0001F92C\U0001F44E]"),  # 😠😡😤🤬👎
    Rule(
        FRUSTRATION,
        r"(?:is )?(?:anyone|anybody) (?:actually )?working|(?:alguien|gente) trabajando"
        r"|son todos (?:robots|bots|maquinas)|for the love of god|for god'?s sake"
        r"|(?:gone|disappeared) into (?:a|the) (?:void|black hole)|(?:se (?:los|lo|la|las) )?"
        r"(?:ha )?tragado la tierra|silencio (?:total|absoluto)|(?:^|\. )silence\."
        r"|pasa de castano oscuro|(?:ya )?me (?:canse|he cansado)|(?:having|taking) a laugh"
        r"|(?:os|se) (?:estais|estan) riendo de (?:mi|nosotros)"
        r"|taking the (?:mick|mickey|piss)|(?:que|vaya) maravilla|de primera,? de verdad"
        r"|waste of (?:a|my|our) \w+|vaya forma de perder|gutted|(?:muy|bastante|super|realmente"
        r"|esta|estaba) molest[oa]s?|levanto la voz|raised (?:his|her|their) voice|shouting at",
        negatable=True,
    ),
    Rule(
        FRUSTRATION,
        r"spoil(?:ed|t)|fastidi\w+|bajon|madre mia|por dios|omg|(?:i )?keep being told"
        r"|me (?:seguis|siguen|sigues) diciendo|would have been nice|podian haber avisado"
        r"|decepci\w+",
        weight=1,
        negatable=True,
    ),
    Rule(ANGER, r"[\U0001F643\U0001F644]"),  # 🙃🙄: sarcasm, eye-rolling
    Rule(
        FRUSTRATION,
        r"de los nervios|hecho polvo|me rindo|i give up|ya no me creo nada|(?:me|nos) (?:estan"
        r" |estais )?dando largas|giving (?:me|us) the run.?around|(?:nunca|jamas) (?:cogen|coge"
        r"|contestan|contesta) el telefono|hasta el gorro|hasta las narices|hasta la coronilla"
        r"|(?:echo|echando) humo|how many (?:more )?times (?:do|must|have|will|should|can) (?:i|we)"
        r"|cuantas veces (?:tengo|tenemos|hay) que|(?:i'?m|estoy) (?:shaking|temblando)",
        negatable=True,
    ),
    Rule(
        FRUSTRATION,
        r"en serio\?|exhausted|drained|worn out|agotad[oa]s?|can'?t afford|cannot afford"
        r"|no puedo permitirme",
        weight=1,
        negatable=True,
    ),
    Rule(FRUSTRATION, r"defeated|demorali[sz]\w+|desanimad[oa]s?", weight=1, negatable=True),
    Rule(
        ANGER,
        r"cabread[oa]s?|mosquead[oa]s?|indignad[oa]s?|impresentable|lamentable|intolerable"
        r"|inadmisible|abusiv[oa]|(?:es|esto es|menudo|vaya) (?:un )?(?:abuso|robo|desastre|chiste"
        r"|cachondeo|timo|engano)|tomadura de pelo|(?:nos|me) (?:toman|tomais|estan tomando) (?:el"
        r" pelo|por tont[oa]s?)|porqueria|chapuza|incompetentes?|inept[oa]s?|inutiles"
        r"|sinverguenzas?|ladrones|me estan robando|vaya tela|no hay derecho|es el colmo|que asco"
        r"|(?:pesimo|mal|malisimo|penoso|horrible|fatal) (?:servicio|trato|atencion)"
        r"|es increible que|no me lo puedo creer|no puedo creer|(?:una )?(?:queja|reclamacion)"
        r" formal|hoja de reclamaciones|(?:poner|presentar) una (?:queja|reclamacion|denuncia)"
        r"|(?:voy a|vamos a) (?:denunciar|reclamar|ir a consumo|poner una)|(?:mi )?abogad[oa]"
        r"|(?:no )?(?:lo |os |les )?recomendare|no (?:lo |os |les )?recomiendo|no recomendable"
        r"|mala (?:resena|opinion)|una estrella",
        negatable=True,
    ),
    Rule(
        FRUSTRATION,
        r"(?:estoy|estamos|ya estoy) (?:hart[oa]s?|cansad[oa]s? de|quemad[oa]s?|hasta el gorro)"
        r"|cansad[oa]s? de (?:esperar|llamar|escribir|repetir|reclamar|que)|ya no (?:aguanto"
        r"|puedo mas|se que mas)|no aguanto mas|me (?:tienen|teneis) (?:hart[oa]|loc[oa]|frit[oa]"
        r"|desesperad[oa])|me (?:estan|estais) volviendo loc[oa]|(?:nadie|ni una persona)"
        r" (?:me )?(?:da|ofrece|dio) (?:una )?(?:solucion|respuesta)|me (?:ignoran|ignorais)"
        r"|(?:pasan|pasais) de (?:mi|nosotros)|no me (?:hacen|haceis) (?:ni )?caso|estoy"
        r" (?:muy )?(?:molest[oa]|disgustad[oa]|insatisfech[oa])|muy decepcionad[oa]"
        r"|totalmente decepcionad[oa]|siempre (?:es )?lo mismo con (?:ustedes|vosotros)",
        negatable=True,
    ),
    Rule(
        FRUSTRATION,
        r"(?:llevo|llevamos) (?:\w+ ){1,3}(?:esperando|sin (?:respuesta|solucion|servicio|luz"
        r"|internet|poder)|reclamando|llamando|escribiendo)|(?:sigo|seguimos) (?:sin|esperando)"
        r"|todavia (?:no|sin|nada|estoy esperando)|aun (?:no (?:he|me|han|hay|tengo)|sin|nada)"
        r"|sin (?:ninguna )?solucion|ni (?:una )?respuesta",
        weight=1,
    ),
    Rule(
        DISTRESS,
        r"nervios[oa]s?|agobiad[oa]s?|estresad[oa]s?|llorando|en lagrimas|(?:me da|tengo)"
        r" (?:panico|terror)|aterrad[oa]s?|muert[oa]s? de miedo|destrozad[oa]s?|no (?:duermo"
        r"|puedo dormir|he dormido)|con el corazon en un puno|angustia|desesperacion"
        r"|panicking|freaking out|losing (?:my|our) mind|at (?:my|our) wits'? end|can'?t sleep"
        r"|sleepless|beside myself",
        negatable=True,
    ),
    Rule(DISTRESS, r"[\U0001F622\U0001F62D\U0001F630\U0001F631]", weight=1),  # 😢😭😰😱
)

# A praise word that opens a clause about a failure, with no "but": "great, broken again".
SARCASM_OPENERS = (
    r"(?:^|[.!?]\s*|\n)(?:oh |wow |yeah |just )?(?:great|fantastic|wonderful|brilliant|perfect"
    r"|lovely|amazing|awesome|nice one|nice|superb|excellent|thanks a lot|thank you so much"
    r"|well done|good job|love how|shout ?out to|genial|perfecto|estupendo|fantastico)\b"
)
SARCASM_FAILURE = (
    r"again|another|broken|broke|crash\w*|cancell?\w*|error|fail\w*|lost|late|later|nightmare"
    r"|down|still|charges?|not working|ruin\w*|otra vez|roto|de nuevo|cancelad\w*|tarde"
    r"|fall\w*|caid[oa]|perdid[oa]|sin"
)
SARCASM_PHRASES = (
    r"thanks for nothing|just what i needed|yeah right|gracias por nada|really professional"
    r"|(?:great|genial|estupendo|brilliant|perfect[oa]?|lovely|fantastic[oa]?|wonderful|amazing"
    r"|todo|system|service|job|work|sistema|servicio)\W{0,3}\U0001F44F"
    r"|muchas gracias por nada|que (?:bien|maravilla),? (?:otra vez|de nuevo)|vaya servicio"
    r"|menudo servicio|what a (?:service|joke|surprise)"
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

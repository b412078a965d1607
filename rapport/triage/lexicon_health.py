"""Triage's rules for harm to health or safety (urgent), people and animals, in English and
Spanish. See `lexicon.py` for how a rule reads and is tuned."""

from __future__ import annotations

from rapport.triage.lexicon import CANT, HEALTH, Rule

HEALTH_RULES: tuple[Rule, ...] = (
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
)

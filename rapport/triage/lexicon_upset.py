"""Triage's rules for an upset customer (anger, frustration, distress or fear, sarcasm), in
English and Spanish, with their weights. See `lexicon.py` for how a rule reads and is tuned."""

from __future__ import annotations

from rapport.triage.lexicon import (
    LATE_ORDINAL,
    Rule,
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
    r"|lovely|amazing|awesome|nice one|nice|superb|excellent|well done|good job|love how"
    r"|love that|shout ?out to|genial|perfecto|estupendo|fantastico|me encanta (?:que|como))\b"
)
# Thanks that opens a clause about a failure: "thanks so much for cancelling my order without
# telling me". Thanks is often meant ("muchas gracias por cambiarlo sin coste"), so the failure
# must be plainer than after a praise word.
SARCASM_THANKS = (
    r"(?:^|[.!?]\s*|\n)(?:oh |wow |yeah |just )?(?:thanks a lot|thank you so much|thanks so much"
    r"|many thanks|(?:muchas|muchisimas|mil) gracias)\b"
)
SARCASM_THANKS_FAILURE = (
    r"cancell?\w*|cancelar|without (?:telling|warning|notice|asking)|sin (?:avisar|decir)"
    r"|leaving me|dejarme|dejandome|lost|losing|perder|perdiendo|broke|broken|roto|ignor\w+"
    r"|again|otra vez|de nuevo|charging|cobrarme"
)
SARCASM_FAILURE = (
    r"again|another|broken|broke|crash\w*|cancell?\w*|error|fail\w*|lost|late|later|nightmare"
    r"|down|still|charges?|not working|ruin\w*|otra vez|roto|de nuevo|cancelad\w*|tarde"
    r"|fall\w*|caid[oa]|perdid[oa]|sin|otr[oa]|desaparecid\w*|disappeared|vanished"
    r"|without (?:telling|warning|notice|asking)|leaving me|dejarme|dejandome|logs? me out"
    r"|kicks? me out|me ech\w+"
)
# A praise word that closes a message about a failure: "my booking has vanished, great".
SARCASM_CLOSERS = (
    r"(?:great|fantastic|wonderful|brilliant|perfect|lovely|amazing|awesome|superb|excellent"
    r"|genial|perfecto|estupendo|fantastico|maravilloso|de lujo)"
)
SARCASM_PHRASES = (
    r"thanks for nothing|just what i needed|yeah right|gracias por nada|really professional"
    r"|(?:great|genial|estupendo|brilliant|perfect[oa]?|lovely|fantastic[oa]?|wonderful|amazing"
    r"|todo|system|service|job|work|sistema|servicio)\W{0,3}\U0001F44F"
    r"|muchas gracias por nada|que (?:bien|maravilla),? (?:otra vez|de nuevo)|vaya servicio"
    r"|menudo servicio|what a (?:service|joke|surprise)|que optimismo|can'?t fault the optimism"
    r"|keeps life (?:exciting|interesting)|asi no me aburro"
)

"""What customers say about reaching us, in English and Spanish: asking for a person, going
round in circles, and praise. Same conventions as `lexicon.py` (folded text, `Rule` tables)."""

from __future__ import annotations

from rapport.triage.lexicon import CANT, ES_NUM, NUM_WORD, ORDINAL, PERSON, Rule

# ---------------------------------------------------------------- wants a human
ASKS_PERSON = "asks for a person"
ASKS_CALL = "asks for a call"
ASKS_NUMBER = "asks for a number"
ASKS_MANAGER = "asks for a manager"
AGAINST_BOTS = "complains about automation"
NO_ANSWER = "cannot reach anyone"

HUMAN_RULES: tuple[Rule, ...] = (
    Rule(ASKS_PERSON, r"(?:talk|speak|chat|deal) (?:to |with )?" + PERSON, negatable=True),
    Rule(ASKS_PERSON, r"(?:real|actual|live) (?:person|human|agent|people)|human being|a human\b"),
    Rule(
        ASKS_PERSON,
        r"(?:is|are) (?:there|this) (?:a |an )?(?:real )?(?:human|person|anyone|anybody|someone)"
        r"|(?:is |are )?(?:anyone|anybody|someone|somebody) (?:there|here|reading|home|out there)"
        r"|are you (?:a |an )?(?:bot|robot|real|human|machine|person)",
    ),
    Rule(
        ASKS_PERSON,
        r"(?:get|put|transfer|connect|pass) me (?:to |through to |with )?"
        + PERSON
        + r"|(?:reach|contact|get hold of|get through to) "
        + PERSON,
        negatable=True,
    ),
    Rule(
        ASKS_PERSON,
        r"^\W*(?:an? )?(?:agent|human|person|representative|operator)(?: please| pls)?\W*$",
    ),
    Rule(
        ASKS_PERSON,
        r"(?:quiero|necesito|prefiero|quisiera|me gustaria) (?:hablar con )?(?:una persona|alguien"
        r"|un humano|un agente|un asesor|un operador|el responsable|el encargado|un supervisor)"
        r"|hablar con (?:una persona|alguien|un humano|un agente|un asesor|un operador"
        r"|el responsable|el encargado|el gerente|un supervisor)",
        negatable=True,
    ),
    Rule(
        ASKS_PERSON,
        r"persona (?:real|de verdad)|un humano|ser humano|de carne y hueso|hay alguien(?: ahi)?"
        r"|atencion humana",
    ),
    Rule(
        ASKS_CALL,
        r"(?:please|pls|plz|can you|could you|would you|can someone|could someone|can somebody"
        r"|could somebody|someone|somebody|will someone|to) (?:please )?(?:call|phone|ring"
        r"|telephone) (?:me|us)\b",
        negatable=True,
    ),
    Rule(
        ASKS_CALL,
        r"(?:call|phone|ring) (?:me|us) (?:back|on|at|asap|now|today|tomorrow|when|as soon|please"
        r"|urgently|immediately|instead|about|re\b)|give (?:me|us) a (?:call|ring|bell)"
        r"|please call\b(?! the)|call me\W*$",
        negatable=True,
    ),
    Rule(
        ASKS_CALL,
        r"(?:appreciate|prefer|like|want|need|request|arrange|schedule) (?:a |an )?(?:quick "
        r"|short |phone )?(?:call|callback|call back|phone call)|(?:call|ring|phone) back"
        r"|(?:rather|prefer to|prefer) (?:\w+ )?(?:on|by|over) the phone"
        r"|can i (?:call|phone|ring) (?:you|someone|instead)",
        negatable=True,
    ),
    Rule(
        ASKS_CALL,
        r"(?:someone|somebody|anyone)(?: \w+){0,3} (?:to )?(?:reach out|get in touch|contact me)"
        r"|have (?:a |your |the )?(?:manager|supervisor|someone|somebody) (?:contact|call|phone)",
        negatable=True,
    ),
    Rule(
        ASKS_CALL,
        r"llam(?:eme|enme|ame|adme|arme)\b|que me llamen|(?:pueden|puede|podrian|podria|podeis"
        r"|puedes) llamar(?:me)?|me llaman|prefiero (?:que me llamen|hablarlo por telefono"
        r"|por telefono)|hablarlo por telefono",
        negatable=True,
    ),
    Rule(
        ASKS_NUMBER,
        r"(?:what'?s|what is|give me|send me|is there|have you got|do you have|need)"
        r" (?:a |an |the |your )?(?:phone |telephone |contact )?number"
        r"|number (?:i|we) can (?:call|ring|phone)|number to (?:call|ring)"
        r"|^\W*(?:your )?(?:phone|telephone)(?: number)?\W*\?",
    ),
    Rule(ASKS_NUMBER, r"(?:numero|telefono) (?:de telefono |de contacto |para llamar)"),
    Rule(
        ASKS_MANAGER,
        r"(?:speak|talk|meeting|meet) (?:to |with )(?:the |your |a )(?:\w+ )?manager"
        r"|supervisor|escalate|escalation|responsable|gerente|encargado",
        negatable=True,
    ),
    Rule(
        AGAINST_BOTS,
        r"(?:not|no|ni) (?:a |an |another |con )?(?:un |una |el )?(?:bot|robot|machine|maquina"
        r"|contestador)|chat ?bot|(?:stupid|useless|dumb|your|this|the) (?:chat ?)?bot"
        r"|(?:el|tu|su) (?:bot|robot)",
    ),
    Rule(
        AGAINST_BOTS,
        r"automated (?:reply|replies|responses?|messages?|emails?|answers?|system|voice)"
        r"|auto-?(?:reply|replies|response|responder)|respuestas? automaticas?"
        r"|mensajes? automaticos?|contestador automatico|(?:canned|template|templated|generic"
        r"|scripted|copy.?paste[d]?) (?:answers?|replies|reply|responses?|emails?|messages?)",
    ),
    Rule(
        AGAINST_BOTS,
        r"(?:phone|voice) menu|pressing (?:buttons|\d)|press \d|menu,? menu|main menu|dead end"
        r"|faq links",
    ),
    Rule(
        NO_ANSWER,
        r"(?:nobody|no one|noone|nadie) (?:\w+ )?(?:answers|answered|picks up|picked up"
        r"|is answering"
        r"|me atiende|atiende|coge) (?:the |your |el )?(?:phone|line|calls?|telefono)?"
        r"|" + CANT + r" (?:get through|reach (?:anyone|anybody|someone|a person|a human))"
        r"|never got to talk to anyone"
        r"|(?:nobody|no one) (?:has )?(?:called|rung|phoned) (?:me )?back",
    ),
)

# Mentioning the bot approvingly ("the bot answer was exactly what I needed") is no complaint.
BOT_MENTION = r"(?:chat ?)?bot|robot"

# The customer declines a call: the desk replies in writing unless they ask for a person.
NO_CALL = (
    r"(?:no need to|don'?t|do not|please don'?t|no need for a|not necessary to) (?:\w+ )?"
    r"(?:call|phone|ring)|(?:no|ni) me llamen|no hace falta (?:que me llamen|llamar)"
    r"|email is fine|a message is fine|(?:text|message|email) is (?:fine|better)"
)

# ---------------------------------------------------------------- loop
SAYS_REPEATING = "says they are repeating"
STUCK_FLOW = "stuck in a flow"

LOOP_RULES: tuple[Rule, ...] = (
    Rule(
        SAYS_REPEATING,
        r"(?:typed|entered|written|wrote|sent|send|asked|said|explained|told|repeated|uploaded"
        r"|submitted|called|emailed|messaged|resent|re-sent|tried|try|filled in|put)"
        r"(?: [\w'#-]+){0,5} (?:twice|two times|" + NUM_WORD + r" times|again and again|over and"
        r" over|a (?:million|hundred|thousand) times)",
    ),
    Rule(
        SAYS_REPEATING,
        r"(?:" + ORDINAL + r") (?:email|message|mail|request|call|voicemail)"
        r"|(?:" + ORDINAL + r") (?:time|attempt) (?:(?:that )?(?:i|we)(?:'?ve|'?m| have| am)? )?"
        r"(?:write|wrote|writing|ask|asked|asking|call|called|calling|email|emailed|contact"
        r"|contacted|message|messaged|try|tried|trying|leave|left|send|sent|request|explain)"
        r"|for the " + ORDINAL + r" time",
    ),
    Rule(
        SAYS_REPEATING,
        r"(?:sent|send|left|wrote) (?:you )?" + NUM_WORD + r" (?:messages|emails|mails|voicemails)"
        r"|(?:my|the) (?:last|previous) (?:two|three|four|\d+|several)? ?(?:emails|messages)"
        r"|to " + NUM_WORD + r" (?:different )?(?:people|agents|persons)",
    ),
    Rule(
        SAYS_REPEATING,
        r"(?:asking|writing|emailing|messaging|contacting|requesting|explaining|telling you)"
        r" (?:you )?(?:again|once more|one more time)"
        r"|same (?:question|request|problem|issue) as (?:before|yesterday|last time)"
        r"|already told you",
    ),
    Rule(
        SAYS_REPEATING,
        r"(?:escribo|pregunto|repito|pido|envio|mando|explico|llamo) (?:otra vez|de nuevo)"
        r"|(?:vuelvo|te lo vuelvo|se lo vuelvo) a (?:escribir|preguntar|pedir|enviar|mandar"
        r"|explicar|repetir)|(?:tercera|cuarta|quinta|segunda) vez que"
        r"|(?:puesto|escrito|enviado|mandado|explicado|dicho|pedido|llamado|intentado|intente"
        r"|repetido|preguntado)(?: \w+){0,3} " + ES_NUM + r" veces|una y otra vez",
    ),
    Rule(
        STUCK_FLOW,
        r"keeps? (?:asking|sending|telling|saying|repeating|redirecting|taking|bringing|putting"
        r"|throwing|looping|going back|coming back|giving me the same|showing (?:me )?the same)",
    ),
    Rule(
        STUCK_FLOW,
        r"(?:round|around) in circles|goes (?:round|around) and (?:round|around)|in a loop"
        r"|looping|over and over|again and again|back to (?:the )?(?:start|beginning|main menu"
        r"|square one|login)|same (?:answer|reply|response|link|error|screen|page|document)"
        r"(?: \w+)? (?:again|over and over|every time)",
    ),
    Rule(
        STUCK_FLOW,
        r"(?:asking|asks|ask) (?:me )?(?:for )?the same|(?:me )?(?:pide|pregunta|manda|envia|sale)"
        r" otra vez|otra vez (?:me )?(?:pide|pregunta|lo mismo|la misma|el mismo)"
        r"|me vuelve a (?:pedir|preguntar|mandar|enviar|sacar|llevar)|dando vueltas|en bucle",
    ),
)

# ---------------------------------------------------------------- compliment
PRAISE = (
    r"thank(?:s|ful)?|thx|thanx|ty|cheers|grateful|appreciated?|love (?:it|the|this|my|your"
    r"|them)|great|excellent|amazing|wonderful|fantastic|brilliant|outstanding|perfect|lovely"
    r"|superb|awesome|delicious|kind(?! regards)|helpful|a star|you'?re a star|the best"
    r"|best \w+ (?:i'?ve|ever)"
    r"|well done|kudos|shout.?out|above and beyond|work of art|worth every penny|lifesaver|saved"
    r"|gracias|genial(?:es)?|excelente|perfect[oa]|maravillos[oa]|increible equipo|encanta"
    r"|agradec\w+|un sol|estupend[oa]|muy amable|sois (?:los )?(?:mejores|geniales)"
)
PRAISE_EMOJI = r"[❤🙌⭐👍😍🙏😋💜💙]"

# Anything still to do or wrong: a compliment with one of these inside is not a pure compliment
# (a question mark counts too, see signals).
PROBLEM = (
    r"but|however|unfortunately|although|though|except|only (?:issue|problem|thing)"
    r"|one (?:thing|more question|question)|could you|can you|would you|please(?! keep)"
    r"|i need|i'?d like|i would like|how (?:do|can|much|long)|when (?:will|can|do)"
    r"|is it possible|in advance|broke|broken|missing|wrong|damaged|defect\w*|faulty"
    r"|doesn'?t work|not working|isn'?t working|stopped|error|fail\w*|crash\w*|issues?"
    r"|(?<!no\s)problems?|late|delay\w*|never arrived|hasn'?t arrived|refund|return|exchange"
    r"|replace\w*|cancel\w*|charged|squeaks?|leak\w*|crack\w*|scratch\w*|still|wait for"
    r"|get back to you|check with|pero|sin embargo|aunque|rot[oa]|falta|no funciona|sigue"
    r"|(?:want|wanting|like|wondering) (?:to know|if|whether)|let me know|(?<!no\s)questions?"
    r"|problemas?|devolu\w+|reembolso|cambiar|pregunta|necesito|podrian|pueden"
)

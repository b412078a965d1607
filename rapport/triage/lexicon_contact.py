"""What customers say about reaching us, in English and Spanish: asking for a person, going
round in circles, and praise. Same conventions as `lexicon.py` (folded text, `Rule` tables)."""

from __future__ import annotations

from rapport.triage.lexicon import CANT, ES_NUM, NUM_WORD, ORDINAL, PERSON, Rule

# A person at the desk, in Spanish (Spain and Latin America).
PERSONA = (
    r"(?:una persona|un ser humano|un humano|una humana|alguien|un agente|una agente|un asesor"
    r"|una asesora|un operador|una operadora|un ejecutivo|una ejecutiva|un representante"
    r"|una representante|un supervisor|una supervisora|el encargado|la encargada|el responsable"
    r"|la responsable|el gerente|la gerente|el director|la directora|el jefe|la jefa|un empleado"
    r"|una empleada|un tecnico|una tecnica"
    r"|alguien de (?:atencion al cliente|soporte|la empresa|vuestro equipo|su equipo))"
)

# ---------------------------------------------------------------- wants a human
ASKS_PERSON = "asks for a person"
ASKS_CALL = "asks for a call"
ASKS_NUMBER = "asks for a number"
ASKS_MANAGER = "asks for a manager"
AGAINST_BOTS = "complains about automation"
NO_ANSWER = "cannot reach anyone"

HUMAN_RULES: tuple[Rule, ...] = (
    Rule(ASKS_PERSON, r"(?:talk|speak|chat|deal) (?:to |with )?" + PERSON, negatable=True),
    Rule(
        ASKS_PERSON,
        r"(?:real|actual|live) (?:person|human|agent|people)|human being|a human\b",
        negatable=True,
    ),
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
        r"(?:appreciate|prefer|like|want|wants|need|needs|request|requests|requested|arrange"
        r"|schedule|asked for|asks for|get|have) (?:a |an )?(?:quick |short |phone )?(?:call"
        r"|callback|call back|phone call)|(?<!promised\sto\s)(?<!said\she'd\s)(?:call|ring"
        r"|phone) back"
        r"|(?:rather|prefer to|prefer) (?:\w+ ){0,3}(?:on|by|over) the phone"
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
        r"(?:could|can|would|will|please have|have|get|ask) (?:\w+ ){1,6}(?:call|phone|ring"
        r"|contact) (?:me|us|him|her|them|my (?:dad|mum|mom|mother|father))\b(?! (?:by|via|on)"
        r" (?:email|e-mail|text|sms|whatsapp))|(?:someone|somebody) (?:to )?(?:phone|call|ring)"
        r" (?:him|her|them|my (?:dad|mum|mom|mother|father))|(?:call|ring|phone) (?:him|her|them)"
        r" back|on a call\b|quick (?:phone )?call\b|call instead|phone conversation"
        r"|conversacion telefonica|llamada rapida|que me (?:llameis|llames|llamen|llame)\b(?! por"
        r" (?:correo|email|mail|escrito))",
        negatable=True,
    ),
    Rule(
        ASKS_PERSON,
        r"(?:pide|quiere|solicita|pido|quisiera) hablar con|pas(?:as|a|ais|en|ad) con (?:vuestro"
        r"|su|el) (?:equipo|departamento)|cita presencial|(?:in person|face to face) (?:meeting"
        r"|appointment)",
        negatable=True,
    ),
    Rule(
        ASKS_PERSON,
        r"(?:speak|talk|chat) (?:to|with) (?:an? |the )?(?:actual|real|live|proper) |(?:actual"
        r"|real|live) (?:\w+ )?(?:handler|adviser|advisor|employee|staff|engineer|person|human"
        r"|agent|people)|hablar con (?:un|una|el|la) \w+ (?:de verdad|real)|alguien con mas"
        r" autoridad|someone (?:more )?senior|someone with (?:more )?authority|(?:que )?lo vea"
        r" alguien|(?:put|be put|transferred|passed) through to (?:the|a|your|someone)",
        negatable=True,
    ),
    Rule(
        ASKS_PERSON,
        r"(?:put|pass|transfer|connect) me (?:through )?to (?:whoever|the person|someone who"
        r"|the (?:right )?(?:team|department))|who (?:do|can|should) i (?:actually )?(?:speak"
        r"|talk) (?:to|with)|a name,? not an inbox|someone with a pulse|(?:i'?d like|i want"
        r"|i need) (?:a|the|your) (?:manager|supervisor|senior|team leader)"
        r"|(?:nobody|no one)(?:'s| is) answering|(?:line|phone|number) (?:just )?(?:rings"
        r"|rings out|goes to (?:a )?(?:recorded message|voicemail|answerphone))",
    ),
    Rule(
        ASKS_PERSON,
        r"(?:pasar|pasame|pasadme|pasenme|pasais|pasas) con (?:quien|el que|la persona"
        r"|el departamento|alguien)|con quien (?:hablo|puedo hablar|tengo que hablar)|un nombre,?"
        r" no un buzon|alguien que (?:me )?(?:hable|atienda|respire|conteste)|(?:quiero|necesito"
        r"|pide|solicita|quiere) que (?:lo|la|me|le) (?:revise|vea|atienda|llame) (?:un|una|el|la)"
        r" (?:responsable|supervisor|persona|encargad[oa]|gerente|director|directora|ejecutiv[oa])"
        r"|(?:pide|quiere|solicita|necesito|necesita|quiero) que (?:un |una |el |la |alguien )?"
        r"(?:\w+ ){0,3}(?:me|le|la|lo|nos) (?:llame|llamen|contacte|contacten)\b(?! por (?:correo"
        r"|email|mail|escrito|whatsapp|sms|mensaje))|nadie (?:atiende|contesta|coge)\b"
        r"|salta el contestador",
    ),
    Rule(
        ASKS_CALL,
        r"(?<!de\s)llam(?:eme|enme|ame|adme|arme)\b|que me llamen|(?:pueden|puede|podrian|podria"
        r"|podeis"
        r"|puedes) llamar(?:me|nos)?|me llaman|prefiero (?:que me llamen|hablarlo por telefono"
        r"|por telefono)|hablarlo por telefono",
        negatable=True,
    ),
    Rule(
        ASKS_NUMBER,
        r"(?:what'?s|what is|give me|send me|is there|have you got|do you have|need)"
        r" (?:a |an |the |your )?(?:best |direct |right )?(?:phone |telephone |contact )?number"
        r"|number (?:i|we) can (?:call|ring|phone)|number to (?:call|ring)"
        r"|^\W*(?:your )?(?:phone|telephone)(?: number)?\W*\?",
    ),
    Rule(ASKS_NUMBER, r"(?:numero|telefono) (?:de telefono|de contacto|para llamar)"),
    # Spanish at the level of English: asking for a person, a call, a number; bots
    Rule(
        ASKS_PERSON,
        r"(?:pas(?:ame|adme|eme|enme|arme|ar)|comuni(?:came|queme|quenme|carme|car)|conect(?:ame"
        r"|eme|enme|arme|ar)|transfier(?:eme|ame|anme)|transferirme|derivarme|derive(?:me|nme)"
        r"|hablar|charlar|tratar|atender(?:me)?|atiend(?:ame|anme)) (?:con )?"
        + PERSONA
        + r"|(?:me )?(?:puede|pueden|podria|podrian|puedes|podeis|podes) (?:atender|ayudar"
        r"|llamar|contactar)(?:me)? (?:alguien|una persona|un humano|un agente)"
        r"|(?:que|q) me (?:atienda|atiendan|conteste|responda) (?:alguien|una persona|un humano)"
        r"|(?:alguien|una persona) (?:real |de verdad )?(?:que|q) me (?:atienda|ayude|conteste"
        r"|responda|lea|llame)",
        negatable=True,
    ),
    Rule(
        ASKS_PERSON,
        r"(?:hay|habra|existe) (?:alguien|una persona|algun humano|algun ser humano)(?: real"
        r"| de verdad)?"
        r" (?:ahi|al otro lado|leyendo|que (?:me )?(?:lea|atienda|conteste|responda))"
        r"|(?:eres|es usted|sois|son) (?:un |una )?(?:bot|robot|maquina|humano|persona|ia"
        r"|contestador)|(?:hablo|estoy hablando) con (?:un |una )?(?:bot|robot|maquina|persona"
        r"|humano)|atencion (?:personal|personalizada|humana|telefonica)|trato humano",
    ),
    Rule(
        ASKS_CALL,
        r"(?:alguien|una persona) (?:que|q) me (?:llame|llama|contacte|telefonee)|(?:que|q)"
        r" (?:alguien )?me (?:llamen|llame|contacten|contacte)(?: alguien)?(?! por (?:correo"
        r"|email|mail|e-mail|escrito|whatsapp|sms|mensaje))|(?:por favor|porfa|porfavor|xfa|pf)"
        r" (?:me )?(?:llam(?:en|e|a|ad|enme|eme|ame))|(?:quiero|necesito|quisiera|prefiero"
        r"|pido|solicito) (?:una |que me hagan una )?(?:llamada|devolucion de (?:la )?llamada)"
        r"|(?:me )?devuelvan la llamada|devolverme la llamada|(?:hablar|tratarlo|verlo|hablarlo"
        r"|explicarlo) por telefono|por telefono (?:por favor|mejor|seria mejor)"
        r"|(?:puedo|podria|se puede) llamar(?:les|os|le)?",
        negatable=True,
    ),
    Rule(
        ASKS_NUMBER,
        r"(?:cual es|me (?:dan|da|das|pasan|pasas|puede dar|pueden dar|podrian dar|podria dar)"
        r"|necesito|tienen|teneis|hay) (?:el |un |su |vuestro |algun )?(?:numero|telefono)"
        r"(?: de (?:telefono|contacto|atencion))?|a que numero (?:puedo )?llam\w+"
        r"|(?:donde|como) (?:puedo )?llamar(?:les|os|le)?",
    ),
    Rule(
        AGAINST_BOTS,
        r"no quiero (?:hablar con |seguir hablando con |escribir a |un |una |el |la |este |esta"
        r"|otro |otra |mas )*(?:bot|robot|maquina|contestador|chatbot|asistente virtual|ia"
        r"|respuestas? automaticas?|mensajes? automaticos?|plantillas?)|(?:respuestas?|mensajes?"
        r"|correos?) (?:de plantilla|enlatad[oa]s?|genericos?|genericas?|copiad[oa]s?)"
        r"|(?:este|el|vuestro|su) (?:asistente virtual|chat ?bot)|(?:hablar|hablando|discutir)"
        r" con una maquina",
    ),
    Rule(
        NO_ANSWER,
        r"(?:nadie|ninguno) (?:me )?(?:contesta|coge|atiende|responde|cogio|contesto|atendio)"
        r" (?:el telefono|las llamadas|al telefono|el movil)|no (?:me )?(?:cogen|contestan"
        r"|atienden|responden) (?:el telefono|las llamadas|al telefono)|no (?:consigo|puedo"
        r"|logro|hay manera de|hay forma de) (?:hablar|contactar|comunicarme) con (?:nadie"
        r"|ustedes|vosotros|alguien|una persona)|imposible (?:hablar|contactar|comunicarse"
        r"|comunicarme) con (?:nadie|ustedes|vosotros|alguien|una persona)",
    ),
    Rule(
        ASKS_MANAGER,
        r"(?:speak|talk|meeting|meet) (?:to |with )(?:the |your |a )(?:\w+ )?manager"
        r"|supervisor|escalate|escalation|(?<!soy\s)(?:el|la|al|un|una|del|con) (?:responsable"
        r"|gerente|encargad[oa])",
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
        AGAINST_BOTS,
        r"virtual assistant|talking to a (?:machine|wall|computer|robot)|stop sending (?:me )?"
        r"(?:links|articles|faqs|the same (?:link|article|email))|(?:ai|a\.i\.) (?:chat|assistant"
        r"|bot|agent)|(?:a |the )?(?:phone )?call would be (?:better|easier|quicker|great|good"
        r"|appreciated)",
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
    r"|(?:can'?t|cannot|unable to) (?:take|answer) (?:a |any |phone )?calls?|(?:by|in|over)"
    r" (?:email|writing|text|chat) only|(?:no|ni) me (?:llame|llames|llameis|telefoneen)"
    r"|(?:prefiero|mejor) (?:por )?(?:escrito|correo|email|mail|whatsapp|mensaje)"
    r"|no (?:puedo|podre) (?:hablar|atender|coger) (?:por telefono|el telefono|llamadas)"
    r"|solo por (?:escrito|correo|email|mail|chat)|dej(?:en|ad|e|ar|eis) de llamar(?:me|nos)?"
    r"|stop (?:calling|ringing|phoning) (?:me|us)"
)

# ---------------------------------------------------------------- loop
# A follow-up on the customer's own recent message ("any news?", "hello?", "like I asked"): with a
# message of theirs in the last 24 h, the same request again (a loop), however it is worded.
FOLLOW_UP = (
    r"any (?:news|update|updates)|anything yet|still (?:waiting|nothing|no|not|need)"
    r"|following up|follow(?:ing)? up on|chasing (?:this|my|up)|(?:as|like) (?:i )?(?:asked|said)"
    r"|i asked (?:this|earlier|yesterday|before|this morning|an hour)|resend(?:ing)?|asking again"
    r"|hello ?\?|hola ?\?|anyone there|(?:alguna )?novedad(?:es)?|sigo (?:esperando|sin)"
    r"|insisto|como (?:les |os )?(?:pedi|dije)|(?:ya )?(?:lo )?pregunte|reenvio"
    r"|vuelvo a (?:preguntar|escribir|mandar)|de nuevo"
)
# ...unless it brings news of its own: "good news, the parcel turned up".
GOOD_NEWS = r"(?:good|great) news|buenas noticias|turned up|(?:ya )?(?:ha )?aparecio"
SAYS_REPEATING = "says they are repeating"
STUCK_FLOW = "stuck in a flow"

LOOP_RULES: tuple[Rule, ...] = (
    Rule(
        SAYS_REPEATING,
        r"(?:typed|entered|written|wrote|sent|send|asked|said|explained|told|repeated|uploaded"
        r"|given|gave|provided|shared|rung|rang|phoned|chased|dado|mandado|dicho|llamado"
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
        r"|repetido|preguntado)(?: \w+){0,5} " + ES_NUM + r" veces|una y otra vez",
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
    Rule(
        STUCK_FLOW,
        r"me (?:vuelven|volvieron|han vuelto|vuelve|volvio|ha vuelto) a (?:pedir|preguntar|mandar"
        r"|enviar|decir|dar|sacar|llevar|poner|contestar|responder)|(?:me )?(?:siguen|sigue)"
        r" (?:pidiendo|preguntando|mandando|enviando|diciendo|dando|contestando|respondiendo)"
        r" (?:lo mismo|la misma|el mismo|los mismos|las mismas)|siempre (?:me )?(?:dicen|responden"
        r"|contestan|mandan|piden|sale) (?:lo mismo|la misma|el mismo)|(?:la misma|el mismo)"
        r" (?:respuesta|error|mensaje|pantalla|correo|enlace|formulario) (?:otra vez|de nuevo"
        r"|una y otra vez|siempre|cada vez)|(?:otra vez|de nuevo) (?:lo mismo|a empezar|desde cero)"
        r"|vuelta a empezar|volver a empezar|(?:vuelvo|volvemos) al (?:principio|inicio"
        r"|menu principal)",
    ),
    Rule(
        SAYS_REPEATING,
        r"es (?:la|mi) (?:segunda|tercera|cuarta|quinta|sexta|enesima|\d+a?) (?:vez|llamada"
        r"|consulta|reclamacion|queja|correo|mensaje|solicitud)|(?:ya )?(?:van|son|llevo|llevamos)"
        r" (?:dos|tres|cuatro|cinco|seis|varias|muchas|\d+) (?:veces|correos|emails|mails|mensajes"
        r"|llamadas|reclamaciones)|(?:como )?ya (?:se )?(?:lo |le |les |os |te )?(?:he |habia )?"
        r"(?:dicho|dije|explicado|explique|comentado|comente|indicado|indique|enviado|envie"
        r"|mandado|mande) (?:antes|varias veces|mil veces|anteriormente|en (?:mi|el) (?:correo"
        r"|mensaje) anterior)|como ya (?:le |les |os |te )?(?:dije|explique|comente|indique)"
        r"|ya (?:se |te |os )?lo (?:he dicho|dije|explique|he explicado)"
        r"|(?:enviado|mandado|escrito|dejado) (?:dos|tres|cuatro|\d+|varios|muchos) (?:correos"
        r"|emails|mails|mensajes)|mi (?:ultimo|anterior) (?:correo|mensaje|email)|(?:ya )?(?:he"
        r"|hemos) (?:llamado|escrito|reclamado) (?:varias|muchas|mil|\d+|dos|tres) veces",
    ),
    Rule(
        SAYS_REPEATING,
        r"follow(?:ing)? up on my (?:message|email|text|call|request|question|chat)|(?:i'?m |am )?"
        r"resending (?:my|this|it)|(?:i'?m |am )?sending (?:this|it|my \w+) again|sorry to (?:ask"
        r"|chase|bother you|write) again|(?:chas(?:e|ed|ing)) (?:this|it|you) (?:again|up)"
        r"|(?:had|have) to chase|(?:asked|messaged|emailed|texted|wrote|rang|called|dm'?d|phoned)"
        r" (?:you |about (?:this|it|that) |here )?(?:an hour ago|(?:yesterday|this morning"
        r"|earlier|at lunchtime|last night|on \w+day)(?: \w+)?(?: too| and (?:this morning|today"
        r"|again|earlier|this afternoon)))|sent a (?:text|message|email)"
        r" (?:at lunchtime|this morning|earlier|yesterday|an hour ago)|did (?:anyone|anybody|you)"
        r" (?:see|get|read) my (?:message|text|email)|same as i (?:said|told you|wrote) before"
        r"|asked me (?:for )?(?:\w+ ){0,3}already|(?:2nd|second|3rd|third|4th|fourth)"
        r" (?:text|message|email|call|time) today|sends? me (?:back|round)|passed (?:between"
        r"|from one)|start (?:again )?from the (?:beginning|start)|go through it (?:all )?again"
        r"|(?:the|this is the) (?:2nd|3rd|4th|5th|second|third|fourth|fifth) (?:person|agent)"
        r"|(?:filled|sent|submitted|uploaded)(?: \w+){0,4} (?:on \w+day )?(?:and \w+day )?too",
    ),
    Rule(
        SAYS_REPEATING,
        r"(?:os|te|les|le) (?:escribi|escribimos|mande|envie|pregunte|llame)(?: \w+){0,4}"
        r" (?:hace (?:una|un|\d+|media)|anoche|esta manana|ayer|al mediodia|antes)"
        r"|perdon(?:a|ad|e|en)? que insista|reenvio (?:esto|este|mi|el mensaje|la pregunta)"
        r"|repito (?:la pregunta|el mensaje|lo que)"
        r"|ya (?:me|te|os) (?:pediste|pidieron|pidio|pedisteis|preguntaste|preguntaron)"
        r"|el mismo que (?:te|os|les|le) (?:dije|di)|(?:segundo|tercer) (?:correo|mensaje|email)"
        r" (?:de )?hoy|(?:2a|segunda|tercera) vez (?:esta|hoy|desde)|vuelve a llamar"
        r"|por (?:segunda|tercera|cuarta|quinta|sexta|enesima) vez|alguien ha visto mi (?:mensaje"
        r"|correo)|(?:ya )?(?:rellene|envie|mande|subi)(?: \w+){0,3} (?:el \w+ y el \w+"
        r"|ayer (?:y|tambien))|de un (?:departamento|sitio|agente|lado) (?:a|al) otro"
        r"|(?:empezar|contarlo|explicarlo|contar) (?:todo )?(?:de cero|desde el principio"
        r"|otra vez)|no quiere repetirlo|(?:vas|va|es) la (?:tercera|cuarta|quinta) persona"
        r"|(?:a|con) (?:tres|cuatro|\d+) (?:agentes|personas) (?:distint[oa]s|diferentes)"
        r"|lo mismo que (?:pregunte|pedi|dije)|me (?:volveis|vuelves|vuelven) a decir"
        r"|cuantas veces (?:tengo|tenemos|hay) que|(?:siento|perdon\w*) (?:mucho )?(?:insistir|que"
        r" (?:les|os|le|te) moleste otra vez)|(?:les|os) moleste otra vez",
    ),
    Rule(
        SAYS_REPEATING,
        r"how many (?:more )?times (?:do|must|have|will|should|can) (?:i|we)|as i (?:already"
        r"|previously|have already) (?:said|told|explained|mentioned|wrote|stated)|as (?:previously"
        r"|already) (?:stated|mentioned|explained|said)|back to square one|start(?:ing)? (?:all )?"
        r"over again|keep getting the same"
        r"|(?:passed|transferred|bounced) (?:around|between|from one)",
    ),
)

# ---------------------------------------------------------------- compliment
PRAISE = (
    r"thank(?:s|ful)?|thx|thanx|ty|cheers|grateful|appreciated?|love (?:it|the|this|my|your"
    r"|them)|great|excellent|amazing|wonderful|fantastic|brilliant|outstanding"
    r"|(?<!ok\s)(?<!okay\s)perfect|lovely"
    r"|superb|awesome|delicious|kind(?! regards)|helpful|a star|you'?re a star|the best"
    r"|best \w+ (?:i'?ve|ever)"
    r"|well done|kudos|shout.?out|above and beyond|work of art|worth every penny|lifesaver|saved"
    r"|gracias|genial(?:es)?|excelente|(?<!ok\s)(?<!vale\s)perfect[oa]|maravillos[oa]"
    r"|increible equipo|encanta"
    r"|agradec\w+|un sol|estupend[oa]|muy amable|sois (?:los )?(?:mejores|geniales)"
    r"|highly recommend\w*|would recommend|10/10|five stars|5 stars|spot on|top notch"
    r"|first.class|delighted|thrilled|over the moon|made my day|legends?|superstar|hats off"
    r"|a credit to|so pleased|very pleased|really pleased|impressed"
    r"|mil gracias|muchisimas gracias|enhorabuena|felicidades|felicit\w+|de (?:diez|10)"
    r"|(?:sois|son|eres|es usted) (?:un |una |unos |unas )?(?:crack|cracks|lo maximo|increibles?"
    r"|maravillos[oa]s?|geniales?|los mejores|la mejor|el mejor|un amor|unos soles|un encanto)"
    r"|muy (?:contento|contenta|contentos|satisfech[oa]s?|agradecid[oa]s?)|encantad[oa]s?"
    r"|fenomenal|chapeau|bravo|buenisim[oa]|espectacular|impecable|de lujo|atentisim[oa]s?"
    r"|amabilisim[oa]s?|muy atent[oa]s?|(?:me|nos) (?:salvaste|salvasteis|salvaron|han salvado)"
    r"|(?:muy|totalmente|100%) recomendable|(?:os|les|lo) recomiendo|(?:volvere|volveremos)"
    r"|top service|great service|(?:you|you guys|you lot) rock|made my (?:week|day)|fab"
    r"|fabulous|went out of (?:his|her|their) way|fenomenal\w*|impecables?|(?:unos|un|una|sois"
    r"|son|eres|es) cracks?|increibles(?! que)|tremendo servicio|un 10|pass on my thanks"
    r"|(?:tell|let) (?:his|her|their) (?:manager|boss) know"
)
PRAISE_EMOJI = r"[❤🙌⭐😍🙏😋💜💙👌]"  # not 👍: that is "OK", not praise

# Anything still to do or wrong: a compliment with one of these inside is not a pure compliment
# (a question mark counts too, see signals).
PROBLEM = (
    r"but|however(?! (?:small|big|long|much|many|minor))|unfortunately|although|though|except"
    r"|only (?:issue|problem|thing)"
    r"|one (?:thing|more question|question)|could you|can you|would you"
    r"|please(?! keep| pass| tell (?:his|her|their|your))"
    r"|i need|i'?d like|i would like|how (?:do|can|much|long)|when (?:will|can|do)"
    r"|is it possible|in advance|broke|broken|missing|wrong|damaged|defect\w*|faulty"
    r"|doesn'?t work|not working|isn'?t working|stopped|error|fail\w*|crash\w*|issues?"
    r"|(?<!no\s)problems?|late|delay\w*|never arrived|hasn'?t arrived|refund|return|exchange"
    r"|replace\w*|cancel\w*|charged|squeaks?|leak\w*|cracked|cracking|cracks? (?:in|on|across)"
    r"|a crack|scratch\w*|still|wait for"
    r"|get back to you|check with|here (?:are|is) the|you asked for|(?:he|she|they) asked for"
    r"|as requested|attached|confirm|just to send|(?:os|te|les) (?:mando|envio)|que me (?:pidio"
    r"|pidieron|pediste)|solo para mandar|no va|no anda|no sirve|pero|sin embargo|aunque|rot[oa]"
    r"|falta\w*|no funciona|sigue"
    r"|(?:want|wanting|like|wondering) (?:to know|if|whether)|let me know|(?<!no\s)questions?"
    r"|problemas?|devolu\w+|reembolso|cambiar|(?<!ninguna\s)pregunta|necesito|podrian|pueden"
    r"|podria|puede|puedes|quisiera|me gustaria|quiero saber|cuando|como (?:puedo|se|hago)"
    r"|error|fall[oa]|averia|retraso|no (?:ha |me )?(?:ha )?llegado|no llega|danad[oa]"
    r"|defectuos[oa]|incorrect[oa]|equivocad[oa]|todavia|aun no|cancel\w+|anular|queja"
    r"|reclamaci\w+|not impressed|not (?:very )?(?:pleased|happy|delighted)"
    r"|queria|saber si|confirmar|solicito|solicitamos|podeis|os adjunto|adjunto|a la espera"
    r"|mirar si|de antemano|see you|alli estare|nos vemos|recordatorio|reminder|bug"
    r"|work around|(?:she|he|i|we)'?d like|said to send|warranty|garantia|ask(?:ed)? (?:whether"
    r"|if)|preguntar (?:si|por)|de paso|to ask|extrana"
)

# Thanks for putting a problem right is praise: the problem named in it is over ("thanks for
# sorting the refund so fast"). Taken out of the text before looking for `PROBLEM`.
THANKS_FOR_A_FIX = (
    r"(?:thanks?|thank you|grateful|gracias)(?: \w+){0,3} (?:for|por) (?:\w+ ){0,2}(?:sorting"
    r"|fixing|resolving|making it right|replacing|the (?:refund|replacement|exchange)|waiving"
    r"|squeezing|solucionar|arreglar|resolver|cambiar|el reembolso|hacer el reembolso"
    r"|la devolucion|el cambio)(?: [\w']+){0,4}"
)

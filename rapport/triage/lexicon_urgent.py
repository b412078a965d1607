"""Triage's rules for the other urgent kinds (money being taken, losing access, hard deadlines,
cannot wait) and what makes an urgent match count or not: a deadline's time and need words, a
problem told as over or long past, no rush. See `lexicon.py` for how a rule reads and is tuned."""

from __future__ import annotations

from rapport.triage.lexicon import (
    CANT,
    CANT_WAIT,
    DEADLINE,
    ES_NUM,
    MONEY,
    NUM_WORD,
    OUTAGE,
    WEEKDAY,
    Rule,
)
from rapport.triage.lexicon_health import HEALTH_RULES

URGENT_RULES: tuple[Rule, ...] = (
    *HEALTH_RULES,
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

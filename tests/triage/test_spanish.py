"""Spanish at the level of English: every rule family, Spain and Latin America, with and
without accents, common typos."""

from __future__ import annotations

import pytest

from rapport.triage.signals import triage


@pytest.mark.parametrize(
    ("text", "safety"),
    [
        ("Mi hijo no puede respirar bien y tiene los labios morados", "health"),
        ("La perrita se desmayó y no reacciona", "health"),
        ("Mi padre tiene un dolor en el pecho muy fuerte", "health"),
        ("Huele a quemado y salen chispas del enchufe", "health"),
        ("Hay un cargo de 250€ que no reconozco en mi tarjeta", "money"),
        ("No reconozco estos movimientos de la cuenta", "money"),
        ("Me siguen cobrando todos los meses aunque me di de baja", "money"),
        ("Alguien ha usado mi tarjeta para comprar en otra web", "money"),
        ("Me han bloqueado la cuenta y no puedo pagar a los proveedores", "access"),
        ("Estamos sin luz desde anoche", "access"),
        ("no me deja iniciar sesion, el codigo no me llega", "access"),
        ("El datáfono no funciona y tenemos la tienda llena", "access"),
        ("Mi vuelo sale mañana y la reserva aparece cancelada", "deadline"),
        ("Es mi medicación para la epilepsia y me queda una dosis", "health"),
        ("el niño se ha metido una pila de botón en la nariz", "health"),
        ("se nos ha parado la línea de envasado, 25 operarios parados", "access"),
    ],
)
def test_urgent_safety_kinds_in_spanish(text: str, safety: str) -> None:
    result = triage(text)
    assert result.urgent, result.reasons
    assert safety in result.safety, (result.safety, result.reasons)
    assert result.recommended_contact == "call"


@pytest.mark.parametrize(
    "text",
    [
        "Es urgente, lo necesito para hoy",
        "Es urjente por favor",
        "lo necesito antes de las 14 porque cierra el plazo",
    ],
)
def test_cannot_wait_in_spanish(text: str) -> None:
    assert triage(text).urgent, triage(text).reasons


@pytest.mark.parametrize(
    "text",
    [
        "Estoy harta de esperar, esto es una tomadura de pelo",
        "Es el colmo, pésimo servicio, voy a poner una reclamación",
        "Es increíble que nadie me dé una solución",
        "Estoy muy agobiada y no duermo, no sé qué hacer",
        "Me tienen loco con tantas llamadas, no hay derecho",
        "ESTO ES UNA VERGUENZA",
        "estoy ya hasta el gorro de esta app, me han cobrado igual",
        "Creo que era un timo y estoy de los nervios",
        "pulse 1, pulse 2 y vuelta al principio. Me rindo con vuestro teléfono",
        "Ya os dije el código postal. ¿Cuántas veces tengo que ponerlo?",
        "Estoy agotada y, sinceramente, desanimada con todo esto",
    ],
)
def test_upset_in_spanish(text: str) -> None:
    result = triage(text)
    assert result.upset, result.reasons


@pytest.mark.parametrize(
    "text",
    [
        "¿Me puede llamar alguien?",
        "me puede llamar alguien por favor",
        "Pásame con una persona",
        "pasame con un agente",
        "No quiero un robot, quiero hablar con alguien",
        "Quiero que me atienda una persona de verdad",
        "¿Hay alguien ahí?",
        "¿Cuál es vuestro número de teléfono?",
        "porfa llamenme",
        "Comuníqueme con un asesor",
        "Nadie contesta el teléfono",
        "La clienta pide hablar con el director del hotel",
        "ya se lo he explicado tres veces al bot. me pasas con vuestro equipo",
        "¿Podría llamarnos un comercial esta semana?",
    ],
)
def test_wants_a_person_in_spanish(text: str) -> None:
    result = triage(text)
    assert result.wants_human, result.reasons
    assert result.recommended_contact == "call"


@pytest.mark.parametrize(
    "text",
    [
        "Es la tercera vez que escribo por lo mismo",
        "Me vuelven a pedir el DNI que ya envié",
        "Me siguen pidiendo los mismos documentos",
        "Como ya les dije en mi correo anterior, el pedido no llegó",
        "Ya van cuatro correos y nada",
    ],
)
def test_loop_in_spanish(text: str) -> None:
    result = triage(text)
    assert result.loop, result.reasons


@pytest.mark.parametrize(
    "text",
    [
        "Mil gracias, sois unos cracks",
        "Enhorabuena al equipo, atención de diez",
        "Muy contenta con la compra, os recomiendo a todo el mundo",
        "Impecable, muchísimas gracias",
    ],
)
def test_compliment_in_spanish(text: str) -> None:
    result = triage(text)
    assert result.compliment, result.reasons
    assert result.recommended_contact == "reply"


@pytest.mark.parametrize(
    ("text", "signal"),
    [
        ("No estoy enfadado, solo quería preguntar por el envío", "upset"),
        ("No hace falta hablar con una persona, el correo está bien", "wants_human"),
        ("Gracias, pero el pedido llegó roto", "compliment"),
        ("Hablé con una persona muy amable ayer y me lo resolvió", "wants_human"),
        ("No quiero que me llamen por correo, prefiero WhatsApp", "urgent"),
        ("emergencia de armario jaja, ¿el vestido verde lo tenéis en la 38?", "urgent"),
        ("me habéis cobrado dos veces pero fue culpa mía, le di dos veces a pagar", "urgent"),
        ("Ok perfecto, el lunes paso a recoger las gafas", "compliment"),
        ("ya hice la transferencia, os mando el justificante por aquí 👍", "compliment"),
        ("Mi hija iba aterrada y salió feliz. Gracias, doctora", "upset"),
    ],
)
def test_spanish_hard_negatives(text: str, signal: str) -> None:
    result = triage(text)
    assert not getattr(result, signal), result.reasons


def test_stop_calling_me_is_no_request_for_a_call() -> None:
    result = triage("Les pido que dejen de llamarme a todas horas para venderme la fibra.")
    assert not result.wants_human, result.reasons


def test_a_call_by_email_is_a_written_reply() -> None:
    result = triage("Que me contacten por correo, por favor, con el número de seguimiento")
    assert not result.wants_human, result.reasons

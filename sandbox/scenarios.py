"""The outcome table: the customer number's last two digits decide what happens to a call.

| digits | outcome                                                                  |
|--------|--------------------------------------------------------------------------|
| 00-69  | both answer, completed; talk time 10 + 3 x digits seconds (<= TimeLimit) |
| 70-79  | customer busy                                                            |
| 80-89  | customer does not answer (no-answer after TimeOut)                       |
| 90-94  | failed                                                                   |
| 95     | number on DND: connect answers 403 (TRAI NDNC)                           |
| 96     | connect answers 500 (could not originate)                                |
| 97     | connect answers only after --slow-connect-delay, then completes (30 s)   |
| 98     | the agent's leg (From) does not answer; the customer is never dialled    |
| 99     | completed (30 s), but every status callback is lost                      |

The customer is `To` when connecting two numbers and `From` when connecting a number to a flow.
"""

from dataclasses import dataclass

from sandbox.phones import national

ANSWER = "answer"
BUSY = "busy"
NO_ANSWER = "no-answer"
FAILED = "failed"
CANCELED = "canceled"

SHORT_TALK = 30


@dataclass(frozen=True)
class Refusal:
    status: int
    message: str


@dataclass(frozen=True)
class Scenario:
    # What each party does when dialled, in dialling order; the call stops at the first who doesn't answer.
    fates: tuple[str, ...] = (ANSWER, ANSWER)
    talk: int = 0
    refusal: Refusal | None = None
    slow_connect: bool = False
    lose_callbacks: bool = False


def scenario_for(customer: str, *, flow: bool) -> Scenario:
    """The scenario for a call to `customer` (E.164); in flow mode the customer is the only party dialled."""
    digits = int(customer[-2:])
    if digits == 95:
        message = f"Call to {national(customer)} cannot be made because of TRAI NDNC regulations"
        return Scenario(refusal=Refusal(403, message))
    if digits == 96:
        return Scenario(refusal=Refusal(500, f"Call to {national(customer)} could not be originated"))
    if digits == 98:
        return Scenario(fates=(NO_ANSWER,))
    if digits <= 69:
        customer_fate, talk = ANSWER, 10 + 3 * digits
    elif digits <= 79:
        customer_fate, talk = BUSY, 0
    elif digits <= 89:
        customer_fate, talk = NO_ANSWER, 0
    elif digits <= 94:
        customer_fate, talk = FAILED, 0
    else:
        customer_fate, talk = ANSWER, SHORT_TALK
    fates = (customer_fate,) if flow else (ANSWER, customer_fate)
    return Scenario(fates=fates, talk=talk, slow_connect=digits == 97, lose_callbacks=digits == 99)

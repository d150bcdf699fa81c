"""PLACEHOLDER: helper E builds the customer's history here."""


def customer_history_for(user, number, *, leaving_out=None):
    return None

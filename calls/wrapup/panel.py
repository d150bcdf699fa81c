"""PLACEHOLDER: helper C builds the wrap-up panel of the call page here."""


def wrap_up_panel(request, call):
    return None

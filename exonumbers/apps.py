from django.apps import AppConfig


class NumbersConfig(AppConfig):
    # The package is not called "numbers": that would shadow the standard library module.
    name = "exonumbers"
    label = "numbers"
    verbose_name = "Numbers and flows"

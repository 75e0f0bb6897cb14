from django.apps import AppConfig


class DatareturnsConfig(AppConfig):
    name = "datareturns"
    verbose_name = "Data returns and benchmarking"

from django.apps import AppConfig


class DatareturnsConfig(AppConfig):
    name = "datareturns"
    verbose_name = "Data returns and benchmarking"

    def ready(self) -> None:
        from datareturns.benchmarks import benchmarks_queue_after_sign_off
        from datareturns.signals import return_signed_off

        return_signed_off.connect(benchmarks_queue_after_sign_off, dispatch_uid="benchmarks_queue_after_sign_off")

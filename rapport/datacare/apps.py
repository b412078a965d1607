from django.apps import AppConfig


class DatacareConfig(AppConfig):
    name = "rapport.datacare"
    label = "datacare"

    def ready(self) -> None:
        from rapport.datacare.actions.retention import sweep_chat_codes, sweep_raw_mail
        from rapport.jobs.scheduler import register_sweep

        register_sweep("raw_mail_retention", sweep_raw_mail)
        # A chat code unused past its minutes forgets the address it was mailed to.
        register_sweep("chat_code_retention", sweep_chat_codes)

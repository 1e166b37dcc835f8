from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Development data only: the Deventer demo and national-scale seeding. Nothing in the product
    imports it; settings add it to INSTALLED_APPS only when KVO_DEMO is on."""

    name = "demo"

import os

from hypothesis import HealthCheck, settings

# Deterministic examples in CI; EMBER_HYPOTHESIS=thorough explores more.
settings.register_profile("ci", max_examples=12, deadline=None, derandomize=True,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
settings.register_profile("thorough", max_examples=200, deadline=None)
settings.load_profile(os.environ.get("EMBER_HYPOTHESIS", "ci"))

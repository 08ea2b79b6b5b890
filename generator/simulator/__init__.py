"""A local state exchange for rehearsals and tests: Azure AD B2C-style login and an Ed-Fi ODS/API.

Typical use in a test::

    from generator.simulator import running

    with running(edfi_version=6, tls=True) as sim:
        alpine = sim.districts["alpine"]
        ...  # requests to sim.auth_url, sim.data_url("25-26", "schools"), verify=sim.ca_file
        with sim.faults.applied("http-503", rate=0.5, scope="data"):
            ...
"""

from generator.simulator.data import District, ExchangeData, School, Student, load_data
from generator.simulator.faults import FAULTS, FaultPlan, FaultSetting
from generator.simulator.sample import sample_data
from generator.simulator.simulator import Simulator, SimulatorOptions, running

__all__ = [
    "FAULTS",
    "District",
    "ExchangeData",
    "FaultPlan",
    "FaultSetting",
    "School",
    "Simulator",
    "SimulatorOptions",
    "Student",
    "load_data",
    "running",
    "sample_data",
]

"""psplugin: PowerSchool plugin bundles and state Data Exchange setups from YAML."""

__version__ = "0.1.0"

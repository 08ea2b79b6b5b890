"""The bundle project model: reading, merging and validating psplugin.yaml and district files.

Import from the modules: `loader` (load_project, validate_project), `skim` (skim_project),
`model` (Project, ProjectInvalid). This package imports nothing itself, so that a light module
such as `skim` does not bring in the schema checker.
"""

"""Bundled plugins. Each is a package with a module-level ``plugin`` object whose
methods are hook implementations (see ``marketplace.plugin_api``); which ones
run is set by MARKETPLACE_PLUGINS."""

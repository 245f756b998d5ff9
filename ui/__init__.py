"""The Qt user interface: thin views, models and dialogs over the core services."""

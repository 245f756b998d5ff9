"""User profiles: who is using the application, recorded as the author of every change."""

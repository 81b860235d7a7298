"""The plugins that ship with the assistant, registered like any third-party plugin."""

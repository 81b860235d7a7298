"""The Qt desktop window: everything here runs on, or talks to, the GUI thread."""

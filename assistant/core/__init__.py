"""The Qt-free heart of the assistant: requests, replies, plugins, routing and storage.

Nothing under this package imports Qt; the UI and the command line both stand on it.
"""

"""Generated personas, their phrase banks and a simulator that plays them through the REST channel.

See README.md in this folder.
"""

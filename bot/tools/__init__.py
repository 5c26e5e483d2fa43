"""The operators' and developers' commands: the server launcher and its parts (Rasa,
action server, config writers), the catalogue and report command lines, load
and benchmark tools."""

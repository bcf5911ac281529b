"""`semantic deck`: a .pptx built from a deck definition, every number read the way every other consumer
reads it (the library's Layer, or the API) and footnoted with its definition (docs/deck.md)."""
